// What operators declare through the API: planned maintenance windows (excluded from
// availability, SEC H8.4 via MP122 Requirement 3) and incidents with their category 1-5
// (SEC Appendix AG categories; MP122 Requirements 3 and 5).

export interface Maintenance {
  readonly id: number;
  /** A CSP region, or null for every region. */
  readonly region: string | null;
  readonly fromMs: number;
  readonly toMs: number;
  readonly description: string;
}

export interface Incident {
  readonly id: number;
  readonly category: number;
  readonly region: string | null;
  readonly service: string;
  readonly startedMs: number;
  readonly resolvedMs: number | null;
  readonly description: string;
}

export type NewMaintenance = Omit<Maintenance, 'id'>;
export type NewIncident = Omit<Incident, 'id'>;

export interface OperationsLog {
  addMaintenance(m: NewMaintenance): Maintenance;
  removeMaintenance(id: number): boolean;
  /** Windows overlapping [fromMs, toMs). */
  maintenance(fromMs: number, toMs: number): Maintenance[];
  addIncident(i: NewIncident): Incident;
  incident(id: number): Incident | undefined;
  /** Sets fields of an incident (e.g. resolvedMs); undefined when there is no such incident. */
  updateIncident(id: number, change: Partial<NewIncident>): Incident | undefined;
  /** Incidents open at any time in [fromMs, toMs). */
  incidents(fromMs: number, toMs: number): Incident[];
}

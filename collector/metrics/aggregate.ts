// A mergeable aggregate of records: counts, failures by reason, targets and budgets met, and
// the RTT (or alert delivery time), DCC time, HAN time and CH residence as figure aggregates. Everything adds and
// subtracts, so an amended record is retracted exactly. The same class folds record facts
// into rollup rows, compacts rows, and merges rows into report rows.
import type { ByteReader, ByteWriter } from './byte-codec.js';
import { FigureAggregate, type AggregateParts } from './figure-aggregate.js';
import { FACT, FLAG, type Facts } from './record-facts.js';

export type { AggregateParts } from './figure-aggregate.js';

/** Records within a target, out of those judged against it. */
export class Tally {
  measured = 0;
  within = 0;
}

/** A share of the DCC time judged against its budget, with its own count and sum for the mean. */
export class Budget extends Tally {
  n = 0;
  sum = 0;
}

export class Aggregate {
  volume = 0;
  successes = 0;
  readonly reasons = new Map<number, number>();
  readonly primary: FigureAggregate;
  readonly dcc: FigureAggregate;
  /** HAN and device time (HAN_IN − HAN_OUT), and the time in the CH outside the HAN. */
  readonly han: FigureAggregate;
  readonly ch: FigureAggregate;
  /** DCC time against the TRT in force on the request's date (SEC Appendix E, SECMP0053). */
  readonly trt = new Tally();
  /** RTT against its DP187 target, or an alert's delivery time against the alert SLA (MP122 A1). */
  readonly target = new Tally();
  /** DSP and CSP time against their shares of the TRT (SECMP0053 Annex C). */
  readonly dsp = new Budget();
  readonly csp = new Budget();

  constructor(parts: AggregateParts) {
    this.primary = new FigureAggregate(parts);
    this.dcc = new FigureAggregate(parts);
    this.han = new FigureAggregate(parts);
    this.ch = new FigureAggregate(parts);
  }

  /** Nothing counted at all (a retraction and a re-addition may cancel in volume and leave other counts). */
  get isEmpty(): boolean {
    return this.volume === 0 && this.successes === 0 && this.reasons.size === 0 && this.primary.isEmpty && this.dcc.isEmpty && this.han.isEmpty && this.ch.isEmpty &&
      [this.trt, this.target, this.dsp, this.csp].every((t) => t.measured === 0 && t.within === 0) && this.dsp.n === 0 && this.csp.n === 0;
  }

  addFact(f: Facts, i: number): void {
    const o = i * FACT.STRIDE;
    const sign = f[o + FACT.SIGN]!;
    const flags = f[o + FACT.FLAGS]!;
    this.volume += sign;
    const reason = f[o + FACT.REASON]!;
    if (reason === 0) this.successes += sign;
    else {
      const c = (this.reasons.get(reason) ?? 0) + sign;
      if (c === 0) this.reasons.delete(reason);
      else this.reasons.set(reason, c);
    }
    const primary = f[o + FACT.PRIMARY]!;
    if (!Number.isNaN(primary)) this.primary.add(primary, sign);
    const dcc = f[o + FACT.DCC]!;
    if (!Number.isNaN(dcc)) this.dcc.add(dcc, sign);
    const han = f[o + FACT.HAN]!;
    if (!Number.isNaN(han)) this.han.add(han, sign);
    const ch = f[o + FACT.CH]!;
    if (!Number.isNaN(ch)) this.ch.add(ch, sign);
    tally(this.trt, sign, flags, FLAG.TRT_MEASURED, FLAG.WITHIN_TRT);
    tally(this.target, sign, flags, FLAG.TARGET_MEASURED, FLAG.WITHIN_TARGET);
    tally(this.dsp, sign, flags, FLAG.DSP_BUDGETED, FLAG.DSP_WITHIN);
    tally(this.csp, sign, flags, FLAG.CSP_BUDGETED, FLAG.CSP_WITHIN);
    timed(this.dsp, sign, f[o + FACT.DSP]!);
    timed(this.csp, sign, f[o + FACT.CSP]!);
  }

  // Counts are signed: facts not folded yet may retract records counted in a row.
  encode(w: ByteWriter): void {
    w.int(this.volume);
    w.int(this.successes);
    w.uint(this.reasons.size);
    for (const [id, c] of this.reasons) {
      w.uint(id);
      w.int(c);
    }
    this.primary.encode(w);
    this.dcc.encode(w);
    encodeTally(w, this.trt);
    encodeTally(w, this.target);
    encodeBudget(w, this.dsp);
    encodeBudget(w, this.csp);
    this.han.encode(w);
    this.ch.encode(w);
  }

  merge(r: ByteReader): void {
    this.volume += r.int();
    this.successes += r.int();
    const k = r.uint();
    for (let i = 0; i < k; i++) {
      const id = r.uint();
      const c = (this.reasons.get(id) ?? 0) + r.int();
      if (c === 0) this.reasons.delete(id);
      else this.reasons.set(id, c);
    }
    this.primary.merge(r);
    this.dcc.merge(r);
    mergeTally(r, this.trt);
    mergeTally(r, this.target);
    mergeBudget(r, this.dsp);
    mergeBudget(r, this.csp);
    this.han.merge(r);
    this.ch.merge(r);
  }
}

/** Counts a record against a target: measured when judged, within when it met it. */
function tally(t: Tally, sign: number, flags: number, measuredFlag: number, withinFlag: number): void {
  if (flags & measuredFlag) t.measured += sign;
  if (flags & withinFlag) t.within += sign;
}

function timed(b: Budget, sign: number, us: number): void {
  if (Number.isNaN(us)) return;
  b.n += sign;
  b.sum += sign * us;
}

function encodeTally(w: ByteWriter, t: Tally): void {
  w.int(t.measured);
  w.int(t.within);
}

function encodeBudget(w: ByteWriter, b: Budget): void {
  encodeTally(w, b);
  w.int(b.n);
  w.int(b.sum);
}

function mergeTally(r: ByteReader, t: Tally): void {
  t.measured += r.int();
  t.within += r.int();
}

function mergeBudget(r: ByteReader, b: Budget): void {
  mergeTally(r, b);
  b.n += r.int();
  b.sum += r.int();
}

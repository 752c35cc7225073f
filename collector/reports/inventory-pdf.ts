// A party's inventory (collector/metrics/inventory.ts; MP176 "Inventory reporting") as PDF:
// devices per device type, per model and firmware version, and per model the share of each
// firmware version beside anonymised peers and the industry, each as bar graphs and tables.
import type { FirmwareShareRow, Inventory, ModelFirmwareRow } from '../metrics/inventory.js';
import { COLORS } from './mp122-pack.js';
import { generatedAt } from './pack-period.js';
import { barChart } from './pdf-charts.js';
import { createPdf, finishPdf, fixed, heading, note, table, type Column } from './pdf-layout.js';

/** Bars per chart and models charted: beyond these the bars get too thin and the pages too many (the tables have them all). */
const CHART_BARS = 16;
const CHARTED_MODELS = 8;

type ShareLine = { readonly deviceType: string; readonly deviceModel: string; readonly firmwareVersion: string; readonly series: string; readonly devices: number | null; readonly sharePct: number | null; readonly withheld: boolean };

const modelColumns: Column<ModelFirmwareRow>[] = [
  { header: 'Device type', width: 90, value: (r) => r.deviceType },
  { header: 'Device model', width: 200, value: (r) => r.deviceModel },
  { header: 'Firmware version', width: 160, value: (r) => r.firmwareVersion },
  { header: 'Devices', width: 70, align: 'right', value: (r) => String(r.devices) },
];

const shareColumns: Column<ShareLine>[] = [
  { header: 'Device type', width: 80, value: (l) => l.deviceType },
  { header: 'Device model', width: 170, value: (l) => l.deviceModel },
  { header: 'Firmware version', width: 130, value: (l) => l.firmwareVersion },
  { header: 'Series', width: 80, value: (l) => l.series },
  { header: 'Devices', width: 60, align: 'right', value: (l) => (l.devices === null ? '-' : String(l.devices)) },
  { header: 'Share %', width: 60, align: 'right', value: (l) => fixed(l.sharePct) },
  { header: 'Note', width: 150, value: (l) => (l.withheld ? 'too few peers: you alone' : '') },
];

const modelName = (r: { deviceType: string; deviceModel: string }) => `${r.deviceType} ${r.deviceModel}`;

export function renderInventoryPdf(inv: Inventory, meta: { readonly timeZone: string; readonly nowMs: number }): Promise<Buffer> {
  const title = `Inventory at the end of ${inv.month}`;
  const { doc, done } = createPdf({
    title, subtitle: `Party ${inv.party} · User Role ${inv.userRole ?? '-'} · ${inv.devices} devices · ${inv.peers} peers · month ${inv.month} (${meta.timeZone})`,
    generatedAt: generatedAt(meta.nowMs),
  });
  note(doc, [
    'The estate: every device seen in your journeys by the end of the month (requests you sent, alerts addressed to you), as they last reported it (MP176 Inventory reporting).',
    'Peers are the other parties of your User Role, numbered by estate size (Peer 1 the largest), never named; a model fewer peers have shows you alone.',
  ]);

  heading(doc, 'Devices per device type', 150);
  barChart(doc, {
    title: 'Devices per device type', labels: inv.deviceTypes.map((t) => t.deviceType), height: 90,
    series: [{ name: 'Devices', color: COLORS[0]!, values: inv.deviceTypes.map((t) => t.devices) }],
  });
  table(doc, [
    { header: 'Device type', width: 120, value: (t: Inventory['deviceTypes'][number]) => t.deviceType },
    { header: 'Devices', width: 70, align: 'right', value: (t) => String(t.devices) },
    { header: 'Device models', width: 90, align: 'right', value: (t) => String(t.models) },
    { header: 'Firmware versions', width: 100, align: 'right', value: (t) => String(t.firmwareVersions) },
  ], inv.deviceTypes);

  heading(doc, 'Devices per model and firmware version', 150);
  const biggest = [...inv.models].sort((a, b) => b.devices - a.devices).slice(0, CHART_BARS);
  barChart(doc, {
    title: `Devices per model and firmware version, the ${biggest.length} largest`, labels: biggest.map((r) => `${r.deviceModel} ${r.firmwareVersion}`), height: 100,
    series: [{ name: 'Devices', color: COLORS[2]!, values: biggest.map((r) => r.devices) }],
  });
  table(doc, modelColumns, inv.models);

  heading(doc, 'Firmware versions per model: you, peers and the industry', 150);
  const byModel = new Map<string, FirmwareShareRow[]>();
  for (const row of inv.firmwareShares) byModel.set(modelName(row), [...(byModel.get(modelName(row)) ?? []), row]);
  const ownDevices = (rows: readonly FirmwareShareRow[]) => rows.reduce((n, r) => n + (r.series[0]?.devices ?? 0), 0);
  const charted = [...byModel].sort(([, a], [, b]) => ownDevices(b) - ownDevices(a)).slice(0, CHARTED_MODELS);
  for (const [model, rows] of charted) {
    const names = rows[0]!.series.map((s) => s.series);
    barChart(doc, {
      title: `${model}: share of devices per firmware version, %`, labels: rows.map((r) => r.firmwareVersion), unit: ' %', min: 0, max: 100, height: 80,
      series: names.map((name, i) => ({
        name, color: name === 'You' ? COLORS[0]! : name === 'Industry' ? COLORS[5]! : COLORS[(i % 5) + 1]!,
        values: rows.map((r) => r.series.find((s) => s.series === name)?.sharePct ?? null),
      })),
    });
  }
  table(doc, shareColumns, inv.firmwareShares.flatMap(({ series, ...r }) => series.map((s): ShareLine => ({ ...r, ...s }))));
  finishPdf(doc, title);
  return done;
}

// The generated codec for the OpenTelemetry trace export request (OTLP), from the protos
// vendored under proto/opentelemetry (opentelemetry-proto v1.11.0, Apache-2.0; see the LICENSE
// there). `npm run proto` regenerates proto/generated/otlp.js; never edit it by hand.
import { opentelemetry } from './generated/otlp.js';

const v1 = opentelemetry.proto;
export const OtlpExportTraceRequest = v1.collector.trace.v1.ExportTraceServiceRequest;
export const OtlpExportTraceResponse = v1.collector.trace.v1.ExportTraceServiceResponse;
export const OtlpSpanKind = v1.trace.v1.Span.SpanKind;
export const OtlpStatusCode = v1.trace.v1.Status.StatusCode;

export type OtlpExportTraceRequestFields = opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest.$Properties;
export type OtlpSpanFields = opentelemetry.proto.trace.v1.Span.$Properties;
export type OtlpEventFields = opentelemetry.proto.trace.v1.Span.Event.$Properties;
export type OtlpKeyValueFields = opentelemetry.proto.common.v1.KeyValue.$Properties;

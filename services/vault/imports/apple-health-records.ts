// Reads an Apple Health `export.xml` as a stream (saxes): yields its records a few hundred at a time, never the
// whole file. Strict UTF-8 and XML; a DOCTYPE that declares entities is refused (saxes never expands custom
// entities, and an export has no reason to declare any), so a billion-laughs document cannot grow.
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { InvalidRequest } from '../../errors.js';
import { decodeStrictly } from './utf8-text.js';

/** One `<Record>` (quantity or category sample), or a blood-pressure `<Correlation>` with its two records. */
export interface AppleRecord {
  type: string;
  unit: string | undefined;
  value: string | undefined;
  startDate: string;
  endDate: string;
  /** The records nested in a `<Correlation>` (empty for a plain record). */
  parts: AppleRecord[];
}

/**
 * Longest run of input without a tag (a text node, an attribute, a comment): saxes holds such a run whole, so one
 * 1 GB attribute would otherwise be held in memory (the bound is this plus one chunk). An export's longest is a few
 * hundred characters.
 */
export const MAX_XML_RUN_CHARS = 8 * 1024 * 1024;

/** The records of an export, read from its bytes, in batches of what one chunk of input held. */
export async function* appleHealthRecords(bytes: AsyncIterable<Buffer>): AsyncGenerator<AppleRecord[]> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const parser = new SaxesParser({ xmlns: false, position: false });
  let failure: Error | undefined;
  let ready: AppleRecord[] = [];
  let correlation: AppleRecord | undefined;
  let depth = 0;
  let sawRoot = false;
  let sinceTag = 0;

  parser.on('error', (error) => {
    failure ??= new InvalidRequest('invalid_xml', `The export is not well-formed XML: ${error.message}`);
  });
  parser.on('doctype', (doctype) => {
    if (/<!ENTITY/i.test(doctype)) {
      failure ??= new InvalidRequest(
        'entities_not_allowed',
        'The export declares XML entities; they are not accepted.',
      );
    }
  });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    sinceTag = 0;
    depth += 1;
    if (depth === 1) sawRoot = tag.name === 'HealthData';
    if (tag.name === 'Correlation' && depth === 2) correlation = toRecord(tag);
    else if (tag.name === 'Record') {
      const record = toRecord(tag);
      if (correlation && depth === 3) correlation.parts.push(record);
      else if (depth === 2) ready.push(record);
    }
  });
  parser.on('closetag', (tag) => {
    sinceTag = 0;
    if (tag.name === 'Correlation' && depth === 2 && correlation) {
      ready.push(correlation);
      correlation = undefined;
    }
    depth -= 1;
  });

  const feed = (text: string) => {
    // Counted before writing: a tag ending inside this chunk resets the count while saxes reads it.
    sinceTag += text.length;
    parser.write(text);
    if (failure) throw failure;
    if (sinceTag > MAX_XML_RUN_CHARS) {
      throw new InvalidRequest('xml_node_too_large', 'The export holds a text or attribute too long to be a record.');
    }
  };
  for await (const chunk of bytes) {
    feed(decodeStrictly(decoder, chunk));
    if (ready.length > 0) {
      yield ready;
      ready = [];
    }
  }
  feed(decodeStrictly(decoder, undefined));
  if (depth > 0) throw new InvalidRequest('truncated_export', 'The export ends before its last element is closed.');
  parser.close();
  if (failure) throw failure;
  if (!sawRoot) throw new InvalidRequest('not_an_apple_health_export', 'The XML is not an Apple Health export.');
  if (ready.length > 0) yield ready;
}

function toRecord(tag: SaxesTagPlain): AppleRecord {
  const a = tag.attributes;
  return {
    type: a.type ?? '',
    unit: a.unit,
    value: a.value,
    startDate: a.startDate ?? '',
    endDate: a.endDate ?? a.startDate ?? '',
    parts: [],
  };
}

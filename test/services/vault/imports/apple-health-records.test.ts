import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { appleHealthRecords, MAX_XML_RUN_CHARS } from '../../../../services/vault/imports/apple-health-records.js';
import { appleExportOf } from '../../../helpers/health-exports.js';

async function readAll(text: string | Buffer, chunkSize = 4096) {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const chunks = Array.from({ length: Math.ceil(bytes.length / chunkSize) }, (_, i) =>
    bytes.subarray(i * chunkSize, (i + 1) * chunkSize),
  );
  const records = [];
  for await (const batch of appleHealthRecords(Readable.from(chunks))) records.push(...batch);
  return records;
}

describe('appleHealthRecords', () => {
  it('reads records and correlations, with the correlation holding its parts', async () => {
    const records = await readAll(
      appleExportOf(
        '<Record type="A" unit="kg" value="1" startDate="s" endDate="e"/>' +
          '<Correlation type="C" startDate="s" endDate="e"><Record type="P" value="2" startDate="s" endDate="e"/></Correlation>',
      ),
      7,
    );
    expect(records.map((r) => [r.type, r.parts.map((p) => p.type)])).toEqual([
      ['A', []],
      ['C', ['P']],
    ]);
  });

  it('splits a multi-byte character across chunks without harm', async () => {
    const records = await readAll(appleExportOf('<Record type="é€😀" value="1" startDate="s" endDate="e"/>'), 1);
    expect(records[0]?.type).toBe('é€😀');
  });

  it('refuses a declared entity before any expansion, and an undeclared one as malformed', async () => {
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE HealthData [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]><HealthData>&b;</HealthData>';
    await expect(readAll(laughs)).rejects.toMatchObject({ code: 'entities_not_allowed' });
    await expect(readAll('<HealthData>&b;</HealthData>')).rejects.toMatchObject({ code: 'invalid_xml' });
  });

  it('refuses a run of text longer than any record instead of holding it', async () => {
    const long = `<HealthData><Record type="${'x'.repeat(MAX_XML_RUN_CHARS * 2)}"/></HealthData>`;
    await expect(readAll(long, 1024 * 1024)).rejects.toMatchObject({ code: 'xml_node_too_large' });
  });

  it.each([
    ['truncated', appleExportOf('<Record type="A"/>').slice(0, -20), 'truncated_export'],
    [
      'not UTF-8',
      Buffer.concat([Buffer.from('<HealthData>'), Buffer.from([0xc3, 0x28]), Buffer.from('</HealthData>')]),
      'invalid_encoding',
    ],
    ['not an export', '<html/>', 'not_an_apple_health_export'],
    ['not XML', 'hello', 'invalid_xml'],
  ])('refuses a file that is %s', async (_name, text, code) => {
    await expect(readAll(text)).rejects.toMatchObject({ code });
  });
});

/**
 * Context words shared by several types.
 *
 * Words shared by every identity-document type. A hotel register or a KYC table often has one
 * column `证件号码` whose document kind is given in another column (`证件类型`), so these words must
 * raise all document types alike, not favour the resident ID.
 *
 * @module
 */

/** Generic "document number" context words (zh and en). */
export const DOCUMENT_CUES: readonly string[] = [
  '证件号',
  '证件号码',
  '证件编号',
  '證件號碼',
  '证照号码',
  '有效证件',
  'document no',
  'document number',
  'doc no',
  'certificate no',
  'cert no',
];

/** Generic "document number" column / key names. */
export const DOCUMENT_FIELDS: readonly string[] = [
  '证件号',
  '证件号码',
  '证件编号',
  '證件號碼',
  'zjhm',
  'zjh',
  'certno',
  'certnumber',
  'certificateno',
  'documentno',
  'documentnumber',
  'docno',
];

/**
 * Identifiers of things, not people: SIM (IMSI, ICCID), serial numbers, trace and request ids.
 * A 15- or 18-digit number next to them is a device or system id that happens to pass a check.
 */
export const THING_ID_CUES: readonly string[] = [
  'imsi',
  'iccid',
  'sn',
  'serial',
  'serial no',
  'serialno',
  '序列号',
  'trace',
  'traceid',
  'requestid',
  'request id',
  'uuid',
  'sku',
];

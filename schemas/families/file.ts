/**
 * `GET /file_jobs/{ids}`: file-processing jobs. Tags FileHashCode, FileUncompress, FileCompress.
 * Sources: Go SDK `FileProcessJobOperation` and the types it references (cos-go-sdk-v5
 * ci_fileprocess.go), CI's "查询哈希值计算结果" page (sample body, and up to 10 comma-joined ids).
 *
 * Typed leaves: `FileSize`, `CompressFileCount` and `ErrorCount` are integers in Go; `AddToHeader`
 * is documented as true/false. `FileCount` and `ErrorDetail.ErrorCount` are strings in Go and stay
 * text. Repeated: `Key`, `KeyConfig`, `PrefixConfig`, `DownloadConfig.Key`, `ErrorDetail.ErrorFile`.
 */
import type { TProperties } from '@sinclair/typebox';
import { commonOperationProps, doc } from '../ci-common';
import { Bool, Int, List, Obj, Text } from '../dsl';
import { familyResponse, jobsByTag } from '../family-response';

const fileHashCodeConfig = Obj({
  Type: doc(Text(), 'Known values: MD5, SHA1, SHA256'),
  AddToHeader: doc(Bool(), 'Whether the hash is also written to the object as x-cos-meta-<type>'),
});

const fileHashCodeResult = doc(
  Obj({
    MD5: Text(),
    SHA1: Text(),
    SHA256: Text(),
    FileSize: doc(Int(), 'Bytes'),
    LastModified: Text(),
    Etag: Text(),
  }),
  'Present once the hash was computed',
);

const fileUncompressConfig = Obj({
  Prefix: Text(),
  PrefixReplaced: Text(),
  UnCompressKey: Text(),
  Mode: Text(),
  DownloadConfig: Obj({ Prefix: Text(), Key: doc(List(Text()), 'Files to extract') }),
});

const fileUncompressResult = doc(Obj({ Region: Text(), Bucket: Text(), FileCount: Text() }), 'Present once the archive was extracted');

const fileCompressConfig = Obj({
  Flatten: Text(),
  Format: doc(Text(), 'Known values: zip, tar, tar.gz'),
  UrlList: Text(),
  Prefix: Text(),
  Key: doc(List(Text()), 'Objects to pack'),
  KeyConfig: doc(List(Obj({ Key: Text(), Folder: Text(), Rename: Text(), ImageParams: Text() })), 'Per-object packing rules'),
  PrefixConfig: doc(List(Obj({ Prefix: Text(), Folder: Text(), ImageParams: Text() })), 'Per-prefix packing rules'),
  Type: Text(),
  CompressKey: Text(),
  IgnoreError: Text(),
});

const fileCompressResult = doc(
  Obj({
    Region: Text(),
    Bucket: Text(),
    Object: Text(),
    CompressFileCount: Int(),
    ErrorCount: Int(),
    ErrorDetail: Obj({ ErrorCount: Text(), ErrorFile: doc(List(Text()), 'Objects that could not be packed') }),
  }),
  'Present once the archive was written',
);

const fileOperation = (description: string, nodes: TProperties) => doc(Obj({ ...commonOperationProps, ...nodes }), description);

export const FILE_OPERATIONS = {
  FileHashCode: fileOperation('File hash (MD5/SHA1/SHA256)', {
    FileHashCodeConfig: fileHashCodeConfig,
    FileHashCodeResult: fileHashCodeResult,
  }),
  FileUncompress: fileOperation('Archive extraction', {
    FileUncompressConfig: fileUncompressConfig,
    FileUncompressResult: fileUncompressResult,
  }),
  FileCompress: fileOperation('Multi-file packing', { FileCompressConfig: fileCompressConfig, FileCompressResult: fileCompressResult }),
};

export const FILE_TAGS = Object.keys(FILE_OPERATIONS);

export const fileResponse = familyResponse(jobsByTag(FILE_OPERATIONS), 'CI GET /file_jobs/{jobIds} response');

/**
 * `GET /doc_jobs/{id}`: document jobs. Tags DocProcess (document to images/PDF), DocWatermark and
 * DocAIGCMetadata. Sources: Go SDK `DocProcessJobOperation` and the types it references
 * (cos-go-sdk-v5 ci_doc.go, ci_media.go DocWatermark/DocAIGCMetadata), CI's "查询指定的文档转码任务"
 * page and its callback sample.
 *
 * Typed leaves: the result counts, page numbers and sizes (integers in Go and in the doc tables)
 * are numbers; the parameter echo (StartPage, Quality, Zoom, …) stays CI's text, as media
 * parameters do. `PageInfo` is a list: one entry per output page.
 */
import type { TProperties } from '@sinclair/typebox';
import { commonOperationProps, doc } from '../ci-common';
import { aigcMetadata } from '../ci-operations';
import { Int, List, Obj, Text } from '../dsl';
import { familyResponse, jobsByTag } from '../family-response';

const docWatermark = doc(
  Obj({
    SrcType: Text(),
    Type: Text(),
    Image: Text(),
    Dx: Text(),
    Dy: Text(),
    Batch: Text(),
    HorizontalSpacing: Text(),
    VerticalSpacing: Text(),
  }),
  'Watermark parameters',
);

const docProcess = doc(
  Obj({
    SrcType: Text(),
    TgtType: doc(Text(), 'Known values: jpg, png, pdf, html, txt'),
    SheetId: Text(),
    StartPage: Text(),
    EndPage: doc(Text(), '-1 means the last page'),
    ImageParams: Text(),
    DocPassword: Text(),
    Comments: Text(),
    PaperDirection: Text(),
    Quality: Text(),
    Zoom: Text(),
    PaperSize: Text(),
    ImageDpi: Text(),
    PicPagination: Text(),
    DocWatermark: docWatermark,
  }),
  'Document conversion parameters, echoed as CI received them',
);

const pageInfo = Obj({
  PageNo: doc(Int(), 'Page (or sheet) number, from 1'),
  TgtUri: doc(Text(), 'Object the page was written to'),
  'X-SheetPics': doc(Int(), 'Pictures a spreadsheet sheet was split into'),
  PicIndex: Int(),
  PicNum: Int(),
});

const docProcessResult = doc(
  Obj({
    FailPageCount: Int(),
    SuccPageCount: Int(),
    TaskId: Text(),
    TgtType: Text(),
    TotalPageCount: Int(),
    TotalSheetCount: Int(),
    PageInfo: doc(List(pageInfo), 'One entry per output page'),
    WatermarkInfo: Obj({ Size: doc(Int(), 'Bytes'), Etag: Text() }),
  }),
  'Present once a DocProcess job succeeded',
);

const docWatermarkResult = doc(
  Obj({ Size: doc(Int(), 'Bytes'), TotalPageCount: Int(), Etag: Text() }),
  'Present once a DocWatermark job succeeded',
);

const docOperation = (description: string, nodes: TProperties) => doc(Obj({ ...commonOperationProps, ...nodes }), description);

export const DOC_OPERATIONS = {
  DocProcess: docOperation('Document conversion (preview pages)', { DocProcess: docProcess, DocProcessResult: docProcessResult }),
  DocWatermark: docOperation('Document watermark', { DocWatermark: docWatermark, DocWatermarkResult: docWatermarkResult }),
  DocAIGCMetadata: docOperation('AIGC metadata written into a document', {
    DocAIGCMetadata: Obj({ AIGCMetadata: aigcMetadata }),
  }),
};

export const DOC_TAGS = Object.keys(DOC_OPERATIONS);

export const docResponse = familyResponse(jobsByTag(DOC_OPERATIONS), 'CI GET /doc_jobs/{jobId} response');

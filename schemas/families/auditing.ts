/**
 * Content moderation (审核) query answers: GET /{image,video,audio,text,document,webpage}/auditing/{id}.
 * One id per call; CI answers `<Response><JobsDetail>…</JobsDetail><RequestId>…</RequestId></Response>`
 * with no `Tag`, `Input` or `Operation`: the moderation verdict sits directly in JobsDetail.
 *
 * Sources: Go SDK `ci.go` (ImageAuditingResult, AuditingJobDetail, AudioAuditingJobDetail,
 * TextAuditingJobDetail, DocumentAuditingJobDetail, WebpageAuditingJobDetail, RecognitionInfo,
 * TextRecognitionInfo and their children), the Java models (`model/ciModel/auditing`), the Android
 * live-moderation model, and the CI API pages 查询{图片,视频,音频,文本,文档,网页,直播}审核任务结果 with
 * their samples (see dev/fixtures/MANIFEST.md).
 *
 * Rules, as for the other families (dsl.ts):
 * - every element the SDKs model as a slice or the docs call an array is a List, even `Keywords`
 *   where the Go text struct has one comma-joined string (one list shape for callers);
 * - numbers only where the SDKs type them: Result, Score, HitFlag, Count, SnapshotCount,
 *   SnapshotTime, OffsetTime, Duration, StartByte, PageCount, PageNumber, SheetNumber, SectionCount,
 *   ForbidState, ListType, LibType, CompressionResult, the document/webpage Suggestion and the
 *   Location box; codes (`Code` inside an *Info too), labels, ids and texts stay Text;
 * - CI's spellings are kept: `TerroristInfo` (older image answers) beside `TerrorismInfo`,
 *   `Snapshoting` as a state.
 */
import type { TProperties, TSchema } from '@sinclair/typebox';
import { doc } from '../ci-common';
import { Int, List, Num, Obj, Text, Time } from '../dsl';

// ---------------------------------------------------------------------------------------------
// Parts every moderation answer shares
// ---------------------------------------------------------------------------------------------

const location = doc(
  Obj({ X: Num(), Y: Num(), Width: Num(), Height: Num(), Rotate: doc(Num(), 'Degrees the box is rotated') }),
  'Box of the hit in the image, in pixels',
);

const keywords = doc(List(Text()), 'Keywords that were hit (one list, even where CI joins several with commas)');

const ocrResult = Obj({ Text: Text(), Keywords: keywords, SubLabel: Text(), Location: location });
const objectResult = Obj({ Name: Text(), SubLabel: Text(), Location: location });
const libResult = doc(
  Obj({ ImageId: Text(), Score: Int(), LibType: doc(Int(), '1 preset library, 2 custom library'), LibName: Text(), Keywords: keywords }),
  'A hit in a risk library (image or text)',
);
const languageResult = doc(
  Obj({ Label: Text(), Score: Int(), StartTime: doc(Int(), 'Offset in ms'), EndTime: doc(Int(), 'Offset in ms') }),
  'A language, speaker or recognition result of an audio track',
);
const hitPosition = Obj({ StartPos: Int(), EndPos: Int() });
const hitInfo = doc(
  Obj({ Type: Text(), Keyword: Text(), Keywords: keywords, LibName: Text(), Positions: List(hitPosition) }),
  'Where a text hit is (text moderation)',
);

/** A scene's verdict: RecognitionInfo (images, audio, video) and TextRecognitionInfo (text) in one. */
const sceneInfo = doc(
  Obj({
    Code: doc(Text(), 'Scene result code (0 when the scene was checked)'),
    Msg: Text(),
    HitFlag: doc(Int(), '0 clean, 1 hit, 2 suspect'),
    Score: doc(Int(), 'Confidence 0..100'),
    Label: Text(),
    SubLabel: Text(),
    Category: Text(),
    Count: doc(Int(), 'How many parts (frames, sections) hit this scene'),
    Keywords: keywords,
    OcrResults: doc(List(ocrResult), 'Text found in the image'),
    ObjectResults: doc(List(objectResult), 'Objects found in the image'),
    LibResults: List(libResult),
    SpeakerResults: List(languageResult),
    RecognitionResults: List(languageResult),
    HitInfos: List(hitInfo),
  }),
  'The verdict for one scene',
);

/** Every scene CI reports, under the names it uses (TerroristInfo is the older image spelling). */
const sceneProps = {
  PornInfo: sceneInfo,
  TerrorismInfo: sceneInfo,
  TerroristInfo: sceneInfo,
  PoliticsInfo: sceneInfo,
  AdsInfo: sceneInfo,
  TeenagerInfo: sceneInfo,
  IllegalInfo: sceneInfo,
  AbuseInfo: sceneInfo,
  MeaninglessInfo: sceneInfo,
  ValueInfo: sceneInfo,
  SpamInfo: sceneInfo,
} satisfies TProperties;

const userInfo = doc(
  Obj({
    TokenId: Text(),
    Nickname: Text(),
    DeviceId: Text(),
    AppId: Text(),
    Room: Text(),
    IP: Text(),
    Type: Text(),
    ReceiveTokenId: Text(),
    Gender: Text(),
    Level: Text(),
    Role: Text(),
  }),
  'Business fields echoed from the request',
);

const listInfo = doc(
  Obj({ ListResults: List(Obj({ ListType: doc(Int(), '0 allow list, 1 block list'), ListName: Text(), Entity: Text() })) }),
  'Account allow/block lists that matched',
);

const MODERATION_STATES = 'Submitted, Snapshoting (sic, video), Auditing, Success, Failed';

const jobProps = {
  Code: doc(Text(), 'Success, or an error code; a failed moderation job is a 200 with State Failed and Code/Message'),
  Message: Text(),
  JobId: Text(),
  State: doc(Text(), `Job state; known values: ${MODERATION_STATES}`),
  CreationTime: Time(),
  DataId: doc(Text(), 'Caller data echoed back verbatim'),
  Object: Text(),
  Url: Text(),
  Label: doc(Text(), 'The highest-priority label hit, e.g. Normal, Porn, Ads'),
  SubLabel: Text(),
  Category: Text(),
  Result: doc(Int(), 'Verdict: 0 normal, 1 block, 2 review'),
  Score: doc(Int(), 'Confidence 0..100'),
  ...sceneProps,
  UserInfo: userInfo,
  ListInfo: listInfo,
  ForbidState: doc(Int(), 'Whether the object was frozen: 0 no, 1 yes'),
} satisfies TProperties;

const REQUIRED: (keyof typeof jobProps)[] = ['JobId', 'State'];

const job = (extra: TProperties, description: string) => doc(Obj({ ...jobProps, ...extra }, REQUIRED), description);

const response = (item: TSchema, description: string) =>
  doc(
    Obj({
      RequestId: Text(),
      JobsDetail: doc(List(item), 'One entry per existing job id'),
      NonExistJobIds: doc(List(Text()), 'Requested ids CI does not know'),
    }),
    description,
  );

// ---------------------------------------------------------------------------------------------
// Per-type extras
// ---------------------------------------------------------------------------------------------

const audioSection = doc(
  Obj({
    Url: Text(),
    Text: Text(),
    OffsetTime: doc(Int(), 'Start of the section in ms'),
    Duration: doc(Int(), 'Length of the section in ms'),
    Label: Text(),
    SubLabel: Text(),
    Result: Int(),
    ...sceneProps,
    LanguageResults: List(languageResult),
  }),
  'One audio section and its verdict',
);

const snapshot = doc(
  Obj({
    Url: Text(),
    Text: Text(),
    SnapshotTime: doc(Int(), 'Offset of the frame in ms'),
    Label: Text(),
    SubLabel: Text(),
    Result: Int(),
    ...sceneProps,
  }),
  'One captured frame and its verdict',
);

const maskInfo = doc(
  Obj({
    RecordInfo: Obj({ Code: Text(), Message: Text(), Output: Obj({ Region: Text(), Bucket: Text(), Object: Text() }) }),
    LiveInfo: Obj({ StartTime: Text(), EndTime: Text(), Output: Text() }),
  }),
  'Where the masked copy was written',
);

const textSection = doc(
  Obj({ StartByte: doc(Int(), 'Byte offset of the section in the text'), Label: Text(), Result: Int(), ...sceneProps }),
  'One text section and its verdict',
);

/** One page (document) or one image/text part (web page) and its verdict. */
const pageResult = Obj({
  Url: Text(),
  Text: Text(),
  Label: Text(),
  Result: Int(),
  PageNumber: Int(),
  SheetNumber: Int(),
  Suggestion: doc(Int(), '0 normal, 1 block, 2 review'),
  ...sceneProps,
});

const numericSuggestion = doc(Int(), 'Verdict: 0 normal, 1 block, 2 review');

export const imageAuditingResponse = response(
  job(
    {
      Text: Text(),
      CompressionResult: Int(),
      Encryption: Obj({ Algorithm: Text(), Key: Text(), IV: Text(), KeyId: Text(), KeyType: Int() }),
    },
    'One image moderation job',
  ),
  'CI GET /image/auditing/{jobId} response',
);

export const videoAuditingResponse = response(
  job(
    {
      Type: doc(Text(), 'live_video for live-stream moderation; absent for a video file'),
      SnapshotCount: doc(Int(), 'How many frames were captured'),
      Snapshot: List(snapshot),
      AudioSection: List(audioSection),
      MaskInfo: maskInfo,
    },
    'One video (or live-stream) moderation job',
  ),
  'CI GET /video/auditing/{jobId} response (video files and live streams)',
);

export const audioAuditingResponse = response(
  job(
    { AudioText: doc(Text(), 'The recognised speech'), Section: List(audioSection), LanguageResults: List(languageResult) },
    'One audio moderation job',
  ),
  'CI GET /audio/auditing/{jobId} response',
);

export const textAuditingResponse = response(
  job(
    {
      Content: doc(Text(), 'The moderated text as CI returns it (base64 when it was sent so)'),
      ContextText: Text(),
      SectionCount: Int(),
      Section: List(textSection),
    },
    'One text moderation job',
  ),
  'CI GET /text/auditing/{jobId} response',
);

export const documentAuditingResponse = response(
  job(
    {
      PageCount: Int(),
      Suggestion: numericSuggestion,
      Labels: doc(Obj(sceneProps), 'Per-scene verdicts for the whole document'),
      PageSegment: Obj({ Results: List(pageResult) }),
    },
    'One document moderation job',
  ),
  'CI GET /document/auditing/{jobId} response',
);

export const webpageAuditingResponse = response(
  job(
    {
      PageCount: Int(),
      Suggestion: numericSuggestion,
      Labels: doc(Obj(sceneProps), 'Per-scene verdicts for the whole page'),
      ImageResults: Obj({ Results: List(pageResult) }),
      TextResults: Obj({ Results: List(pageResult) }),
      HighlightHtml: doc(Text(), 'The page with hits highlighted (when asked for)'),
    },
    'One web-page moderation job',
  ),
  'CI GET /webpage/auditing/{jobId} response',
);

/** Family name (shared/ci/families.ts) → its answer schema. */
export const auditingSchemas = {
  'image-auditing': imageAuditingResponse,
  'video-auditing': videoAuditingResponse,
  'audio-auditing': audioAuditingResponse,
  'text-auditing': textAuditingResponse,
  'document-auditing': documentAuditingResponse,
  'webpage-auditing': webpageAuditingResponse,
};

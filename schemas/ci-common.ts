/**
 * Building blocks shared by every CI job family (/jobs, /pic_jobs, /ai_jobs, /inventorytriggerjob):
 * job Input, Output, Workflow, MediaInfo, MediaResult, watermarks, the Operation children most Tags
 * share, and the common JobsDetail fields. Written only with the dsl.ts vocabulary, so the leaf kind
 * chosen here decides the JSON type (see dsl.ts). Sources: Go SDK structs (cos-go-sdk-v5 ci_media.go),
 * the Java and Android SDK models (cos-java-sdk-v5 model/ciModel/job, qcloud-sdk-android model/ci),
 * and the CI API docs (cloud.tencent.com/document/product/460, tencentyun/intlcloud-documents) with
 * their sample bodies.
 *
 * Rules applied throughout:
 * - every element CI may repeat is a `List`, even where samples only ever show one;
 * - numbers only where CI emits plain integers/decimals (Progress, JobLevel, MediaInfo counts and
 *   sizes); `Bitrate`, `Duration`, `Fps`, `CodecTag` (hex), ids and messages stay `Text`;
 * - `Time` only for real timestamps; seconds offsets (`StartTime` inside MediaInfo etc.) are `Text`;
 * - no `enum` for open-ended values: known values are listed in `description` only.
 */
import type { TObject, TProperties, TSchema } from '@sinclair/typebox';
import { Bool, Int, List, Obj, Text, Time } from './dsl';

/** Attaches a `description` (it ends up in the OpenAPI document). Returns the same schema. */
export const doc = <T extends TSchema>(schema: T, description: string): T => Object.assign(schema, { description });

// ---------------------------------------------------------------------------------------------
// Input / Output / Workflow
// ---------------------------------------------------------------------------------------------

/** `Input.CosHeaders` item: headers of the COS upload that triggered a workflow job. */
export const cosHeader = Obj({ Key: Text(), Value: Text() });

/** `Input.Vod`: a VOD source file. */
export const vodInfo = Obj({ FileId: Text(), SubAppId: Text() });

export const jobInput = doc(
  Obj({
    Object: Text(),
    Region: Text(),
    BucketId: doc(Text(), 'Source bucket (BucketName-APPID). The doc tables call it Bucket; every sample sends BucketId'),
    Bucket: Text(),
    Lang: doc(Text(), 'Source language (Translation jobs)'),
    Type: doc(Text(), 'Source document type (Translation jobs), e.g. txt'),
    BasicType: Text(),
    Url: Text(),
    Vod: vodInfo,
    CosHeaders: doc(List(cosHeader), 'Only for jobs started by a workflow: headers of the triggering upload'),
  }),
  'Source of the job. May be absent (e.g. Tts, VoiceSeparate)',
);

/** `Output.StreamExtract` item. The Go SDK names the file `Object`, the doc callback sample `Output`. */
export const streamExtractItem = Obj({ Index: Text(), Object: Text(), Output: Text() });

export const jobOutput = doc(
  Obj({
    Region: Text(),
    Bucket: Text(),
    Object: Text(),
    SpriteObject: doc(Text(), 'Sprite image name pattern (Snapshot)'),
    AuObject: doc(Text(), 'Voice track file (VoiceSeparate)'),
    BassObject: Text(),
    DrumObject: Text(),
    StreamExtract: doc(List(streamExtractItem), 'One entry per extracted stream (StreamExtract)'),
    Force: Text(),
  }),
  'Where the job writes its result',
);

export const workflowItem = doc(
  Obj({ Name: Text(), RunId: Text(), WorkflowId: Text(), WorkflowName: Text() }),
  'The workflow (and node Name) that started this job',
);

// ---------------------------------------------------------------------------------------------
// MediaInfo (the result node many media Tags share) and MediaResult
// ---------------------------------------------------------------------------------------------

export const mediaInfoFormat = Obj({
  Bitrate: doc(Text(), 'kbps as text, e.g. 834.736000'),
  Duration: doc(Text(), 'Seconds as text, e.g. 13.654000'),
  FormatLongName: Text(),
  FormatName: Text(),
  NumProgram: Int(),
  NumStream: Int(),
  Size: doc(Int(), 'Bytes'),
  StartTime: doc(Text(), 'Seconds as text (not a timestamp)'),
});

export const mediaInfoAudio = Obj({
  Bitrate: Text(),
  Channel: Int(),
  ChannelLayout: Text(),
  CodecLongName: Text(),
  CodecName: Text(),
  CodecTag: doc(Text(), 'Hex text, e.g. 0x6134706d'),
  CodecTagString: Text(),
  CodecTimeBase: Text(),
  Duration: Text(),
  Index: Int(),
  Language: Text(),
  SampleFmt: Text(),
  SampleRate: Int(),
  StartTime: Text(),
  Timebase: Text(),
});

export const mediaInfoVideo = Obj({
  AvgFps: doc(Text(), 'e.g. 25.000000 or 24/1'),
  Bitrate: Text(),
  CodecLongName: Text(),
  CodecName: Text(),
  CodecTag: doc(Text(), 'Hex text, e.g. 0x31637661'),
  CodecTagString: Text(),
  CodecTimeBase: Text(),
  ColorPrimaries: Text(),
  ColorRange: Text(),
  ColorTransfer: Text(),
  Dar: doc(Text(), 'e.g. 40:53'),
  Duration: Text(),
  FieldOrder: Text(),
  Fps: doc(Text(), 'e.g. 25.000000 or 50/1'),
  HasBFrame: Int(),
  Height: Int(),
  Index: Int(),
  Language: Text(),
  Level: Text(),
  NumFrames: Int(),
  PixFormat: Text(),
  Profile: Text(),
  RefFrames: Int(),
  Rotation: Text(),
  Sar: Text(),
  StartTime: Text(),
  Timebase: Text(),
  Width: Int(),
});

export const mediaInfo = doc(
  Obj({
    Format: mediaInfoFormat,
    Stream: Obj({
      Audio: doc(List(mediaInfoAudio), 'Audio streams; VoiceSeparate results can list two'),
      Video: List(mediaInfoVideo),
      Subtitle: doc(List(Obj({})), 'Subtitle streams; always empty in the samples'),
    }),
  }),
  'Media information of the output file (or of the input for Tag MediaInfo); present once the job finished',
);

export const md5Info = Obj({ Md5: Text(), ObjectName: Text() });

const outputFileProps = {
  Bucket: Text(),
  Region: Text(),
  ObjectName: doc(List(Text()), 'Names of the files written (relative to ObjectPrefix when that is set)'),
  ObjectUrl: doc(List(Text()), 'URLs of the files written (modelled as a repeated element by an official SDK)'),
  ObjectPrefix: Text(),
  Md5Info: List(md5Info),
};

export const spriteOutputFile = Obj(outputFileProps);

export const mediaResult = doc(
  Obj({
    OutputFile: Obj({ ...outputFileProps, SpriteOutputFile: doc(spriteOutputFile, 'Sprite images (Snapshot)') }),
  }),
  'Files the job produced; present once the job finished (may be an empty <OutputFile/>)',
);

// ---------------------------------------------------------------------------------------------
// Watermarks
// ---------------------------------------------------------------------------------------------

export const watermark = doc(
  Obj({
    Type: doc(Text(), 'Known values: Text, Image'),
    Pos: Text(),
    LocMode: Text(),
    Dx: Text(),
    Dy: Text(),
    StartTime: doc(Text(), 'Seconds offset, not a timestamp'),
    EndTime: doc(Text(), 'Seconds offset, not a timestamp'),
    SlideConfig: Obj({ SlideMode: Text(), XSlideSpeed: Text(), YSlideSpeed: Text() }),
    Image: Obj({ Url: Text(), Mode: Text(), Width: Text(), Height: Text(), Transparency: Text(), Background: Text() }),
    Text: Obj({ FontSize: Text(), FontType: Text(), FontColor: Text(), Transparency: Text(), Text: Text() }),
  }),
  'Visible watermark parameters',
);

export const digitalWatermark = doc(
  Obj({
    Type: doc(Text(), 'Known values: Text'),
    Message: doc(Text(), 'The embedded payload, kept verbatim (e.g. 123456789ab)'),
    Version: Text(),
    IgnoreError: Bool(),
    State: doc(Text(), 'Sub-step state; known values: Running, Success, Failed'),
  }),
  'Invisible (digital) watermark added by the job',
);

export const removeWatermark = doc(
  List(Obj({ Dx: Text(), Dy: Text(), Width: Text(), Height: Text() })),
  'Areas whose watermark is blurred out: a single container in the docs and Go, a list in the Java SDK (getRemoveWatermarkList), so always a list',
);

// ---------------------------------------------------------------------------------------------
// Operation children shared by most Tags
// ---------------------------------------------------------------------------------------------

export const commonOperationProps = {
  Tag: Text(),
  TemplateId: Text(),
  TemplateName: doc(Text(), 'Returned when TemplateId is set'),
  TranscodeTemplateId: Text(),
  WatermarkTemplateId: doc(List(Text()), 'Watermark template ids, in request order'),
  Watermark: doc(List(watermark), 'Inline watermarks'),
  RemoveWatermark: removeWatermark,
  DigitalWatermark: digitalWatermark,
  Output: jobOutput,
  UserData: doc(Text(), 'Caller data echoed back verbatim'),
  JobLevel: doc(Int(), 'Priority 0, 1 or 2'),
  FreeTranscode: Text(),
  CustomId: Text(),
  MediaInfo: mediaInfo,
  MediaResult: mediaResult,
} satisfies TProperties;

export const commonOperation = doc(Obj(commonOperationProps), 'Job parameters and (once finished) results');

// ---------------------------------------------------------------------------------------------
// JobsDetail
// ---------------------------------------------------------------------------------------------

export const JOB_STATES = 'Submitted, Running, Success, Failed, Pause, Cancel';

export const commonJobsDetailProps = {
  Code: doc(Text(), 'Success, or an error code (meaningful only when State is Failed)'),
  Message: doc(Text(), 'Error description (meaningful only when State is Failed); often empty'),
  JobId: Text(),
  Tag: doc(Text(), 'Job type, e.g. Transcode, Snapshot, PicProcess, Translation; CI adds new ones'),
  SubTag: doc(Text(), 'Secondary step, e.g. DigitalWatermark'),
  State: doc(Text(), `Job state; known values: ${JOB_STATES}`),
  Progress: doc(Int(), 'Percent 0..100; often absent'),
  CreationTime: Time(),
  StartTime: doc(Time(), 'null while the job has not started'),
  EndTime: doc(Time(), 'null while the job has not ended'),
  QueueId: Text(),
  QueueType: Text(),
  Input: jobInput,
  Operation: commonOperation,
  Workflow: doc(List(workflowItem), 'Only for jobs started by a workflow'),
} satisfies TProperties;

const JOBS_DETAIL_REQUIRED: (keyof typeof commonJobsDetailProps)[] = ['JobId', 'State'];

export const commonJobsDetail = doc(
  Obj(commonJobsDetailProps, JOBS_DETAIL_REQUIRED),
  'One CI job. Fields appear and disappear with the job state; Input and Operation can be absent',
);

/** A JobsDetail whose Operation is the given Tag-specific schema. */
export function jobsDetailWith(operation: TObject, description?: string): TObject {
  const schema = Obj({ ...commonJobsDetailProps, Operation: operation }, JOBS_DETAIL_REQUIRED);
  return description ? doc(schema, description) : schema;
}

/**
 * One `Operation` schema per job Tag: the common Operation children (ci-common.ts) plus the Tag's
 * parameter echo and result nodes. Field inventory: Go SDK `MediaProcessJobOperation` and the types
 * it references (cos-go-sdk-v5 ci_media.go), cross-checked with the CI API docs' tables and
 * samples. Spellings are CI's own (Rhythem, WordsGeneralizeLable, Angel).
 *
 * Coercion is deliberately conservative: besides the common Int fields only
 * VideoTag `Confidence` and SpeechRecognition `AudioTime` are numbers, PicProcess image
 * sizes are integers, and the flags CI documents as `true`/`false` are booleans. Everything else, even when
 * the Go SDK types it as int/float, stays verbatim text.
 */
import type { TObject, TProperties } from '@sinclair/typebox';
import { commonOperationProps, doc, jobInput, jobOutput } from './ci-common';
import { Bool, Int, List, Num, Obj, Text, Time } from './dsl';

// ---------------------------------------------------------------------------------------------
// Parameter building blocks
// ---------------------------------------------------------------------------------------------

const container = Obj({ Format: Text(), ClipConfig: Obj({ Duration: Text() }) });

const transcodeVideo = Obj({
  Codec: Text(),
  Width: Text(),
  Height: Text(),
  Fps: Text(),
  Remove: Text(),
  Profile: Text(),
  Bitrate: Text(),
  Crf: Text(),
  Gop: Text(),
  Preset: Text(),
  Bufsize: Text(),
  Maxrate: Text(),
  HlsTsTime: Text(),
  DashSegment: Text(),
  Pixfmt: Text(),
  LongShortMode: Text(),
  Rotate: Text(),
  AnimateOnlyKeepKeyFrame: Text(),
  AnimateTimeIntervalOfFrame: Text(),
  AnimateFramesPerSecond: Text(),
  Quality: Text(),
  Roi: Text(),
  Crop: Text(),
  Interlaced: Text(),
  ColorParam: Obj({ ColorRange: Text(), ColorSpace: Text(), ColorTrc: Text(), ColorPrimaries: Text() }),
  StdExtInfo: Text(),
});

/** Transcode/Animation clip window: seconds as text, not timestamps. */
const timeInterval = doc(Obj({ Start: Text(), Duration: Text() }), 'Clip window in seconds (text)');

const audioParams = Obj({
  Codec: Text(),
  Samplerate: Text(),
  Bitrate: Text(),
  Channels: Text(),
  Remove: Text(),
  KeepTwoTracks: Text(),
  SwitchTrack: Text(),
  SampleFormat: Text(),
});

export const aigcMetadata = Obj({
  Label: Text(),
  ContentProducer: Text(),
  ProduceID: Text(),
  ReservedCode1: Text(),
  ContentPropagator: Text(),
  PropagateID: Text(),
  ReservedCode2: Text(),
});

const hlsEncrypt = Obj({ IsHlsEncrypt: Bool(), UriKey: Text() });

const transConfig = Obj({
  AdjDarMethod: Text(),
  IsCheckReso: Text(),
  ResoAdjMethod: Text(),
  IsCheckVideoBitrate: Text(),
  VideoBitrateAdjMethod: Text(),
  IsCheckAudioBitrate: Text(),
  AudioBitrateAdjMethod: Text(),
  DeleteMetadata: Text(),
  IsHdr2Sdr: Text(),
  HlsEncrypt: hlsEncrypt,
  AIGCMetadata: aigcMetadata,
});

const audioMix = Obj({
  AudioSource: Text(),
  MixMode: Text(),
  Replace: Text(),
  EffectConfig: Obj({
    EnableStartFadein: Text(),
    StartFadeinTime: Text(),
    EnableEndFadeout: Text(),
    EndFadeoutTime: Text(),
    EnableBgmFade: Text(),
    BgmFadeTime: Text(),
  }),
});

/**
 * `AudioMix`: a single struct in the Go SDK, but "Container 数组" in the doc tables and an implicit
 * array in the Java SDK, so it is a List (one element → one-item array).
 */
const audioMixList = doc(List(audioMix), 'Background-audio mixes (a repeatable element)');

const transcode = Obj({
  Container: container,
  Video: transcodeVideo,
  TimeInterval: timeInterval,
  Audio: audioParams,
  TransConfig: transConfig,
  AudioMix: audioMixList,
  AudioMixArray: List(audioMix),
  Subtitle: Obj({ Remove: Text() }),
});

const subtitles = Obj({
  Subtitle: List(
    Obj({
      Url: Text(),
      Embed: Text(),
      FontType: Text(),
      FontSize: Text(),
      FontColor: Text(),
      OutlineColor: Text(),
      VMargin: Text(),
    }),
  ),
});

const superResolution = Obj({ Resolution: Text(), EnableScaleUp: Bool(), Version: Text() });
const sdrToHdr = Obj({ HdrMode: Text() });
const colorEnhance = Obj({ Enable: Bool(), Contrast: Text(), Correction: Text(), Saturation: Text() });
const msSharpen = Obj({ Enable: Bool(), SharpenLevel: Text() });

// ---------------------------------------------------------------------------------------------
// Tag-specific nodes
// ---------------------------------------------------------------------------------------------

const animation = Obj({
  Container: container,
  Video: Obj({
    Codec: Text(),
    Width: Text(),
    Height: Text(),
    Fps: Text(),
    AnimateOnlyKeepKeyFrame: Text(),
    AnimateTimeIntervalOfFrame: Text(),
    AnimateFramesPerSecond: Text(),
    Quality: Text(),
  }),
  TimeInterval: timeInterval,
});

const snapshot = Obj({
  Mode: Text(),
  Start: Text(),
  TimeInterval: Text(),
  Count: Text(),
  Width: Text(),
  Height: Text(),
  CIParam: Text(),
  IsCheckCount: Bool(),
  IsCheckBlack: Bool(),
  BlackLevel: Text(),
  PixelBlackThreshold: Text(),
  SnapshotOutMode: Text(),
  SpriteSnapshotConfig: Obj({
    CellHeight: Text(),
    CellWidth: Text(),
    Color: Text(),
    Columns: Text(),
    Lines: Text(),
    Margin: Text(),
    Padding: Text(),
    ScaleMethod: Text(),
  }),
});

const smartCover = Obj({ Format: Text(), Width: Text(), Height: Text(), Count: Text(), DeleteDuplicates: Text() });

const concatTemplate = Obj({
  ConcatFragment: doc(
    List(
      Obj({
        Url: Text(),
        Mode: Text(),
        StartTime: doc(Text(), 'Seconds offset'),
        EndTime: doc(Text(), 'Seconds offset'),
        FragmentIndex: Text(),
        Duration: Text(),
      }),
    ),
    'Clips to join, in order',
  ),
  Audio: audioParams,
  Video: transcodeVideo,
  Container: container,
  Index: Text(),
  AudioMix: audioMixList,
  AudioMixArray: List(audioMix),
  SceneChangeInfo: Obj({ Mode: Text(), Time: Text(), TransitionType: Text() }),
  DirectConcat: Text(),
});

const videoMontage = Obj({
  Container: container,
  Video: Obj({
    Codec: Text(),
    Width: Text(),
    Height: Text(),
    Fps: Text(),
    Remove: Text(),
    Bitrate: Text(),
    Crf: Text(),
  }),
  Audio: audioParams,
  Duration: Text(),
  Scene: Text(),
  AudioMix: audioMixList,
  AudioMixArray: List(audioMix),
});

const voiceSeparate = Obj({
  AudioMode: doc(Text(), 'Known values: IsAudio, IsBackground, AudioAndBackground, MusicMode'),
  AudioConfig: Obj({ Codec: Text(), Samplerate: Text(), Bitrate: Text(), Channels: Text() }),
});

const segment = Obj({
  Format: Text(),
  Duration: Text(),
  TranscodeIndex: Text(),
  HlsEncrypt: hlsEncrypt,
  StartTime: doc(Text(), 'Seconds offset'),
  EndTime: doc(Text(), 'Seconds offset'),
  AIGCMetadata: aigcMetadata,
});

const extractDigitalWatermark = Obj({
  Type: Text(),
  Version: Text(),
  Message: doc(Text(), 'The extracted payload, verbatim (absent from the Go struct, present in samples)'),
});

// VideoTag result
const videoTagTag = Obj({ Tag: Text(), TagCls: Text(), Confidence: Num() });
const bbox = Obj({ X1: Text(), X2: Text(), Y1: Text(), Y2: Text() });
const detailPerSecond = Obj({ TimeStamp: Text(), Name: Text(), Confidence: Num(), BBox: List(bbox) });
const videoTagResult = doc(
  Obj({
    StreamData: Obj({
      SubErrCode: Text(),
      SubErrMsg: Text(),
      Data: Obj({
        Tags: List(videoTagTag),
        PersonTags: List(Obj({ Name: Text(), Confidence: Num(), Count: Text(), DetailPerSecond: List(detailPerSecond) })),
        PlaceTags: List(
          Obj({
            Tags: List(videoTagTag),
            ClipFrameResult: List(Text()),
            StartTime: doc(Text(), 'Seconds'),
            EndTime: doc(Text(), 'Seconds'),
            StartIndex: Text(),
            EndIndex: Text(),
          }),
        ),
        ActionTags: List(Obj({ Tags: List(videoTagTag), StartTime: Text(), EndTime: Text() })),
        ObjectTags: List(Obj({ Objects: List(detailPerSecond), TimeStamp: Text() })),
        Labels: List(Obj({ First: Text(), Second: Text(), Confidence: Num() })),
      }),
    }),
  }),
  'Video tagging result; absent until the job finished',
);

const qualityEstimate = doc(
  Obj({
    Score: doc(Text(), 'e.g. 6.460358 (text, as in the Go SDK)'),
    VqaPlusResult: Obj({
      NoAudio: Bool(),
      NoVideo: Bool(),
      DetailedResult: List(
        Obj({
          Type: Text(),
          Items: List(
            Obj({
              Confidence: Text(),
              StartTimeOffset: Text(),
              EndTimeOffset: Text(),
              AreaCoordSet: List(Text()),
            }),
          ),
        }),
      ),
    }),
  }),
  'Quality score result',
);

const speechRecognition = Obj({
  EngineModelType: Text(),
  ChannelNum: Text(),
  ResTextFormat: Text(),
  FilterDirty: Text(),
  FilterModal: Text(),
  ConvertNumMode: Text(),
  SpeakerDiarization: Text(),
  SpeakerNumber: Text(),
  FilterPunc: Text(),
  OutputFileType: Text(),
  FlashAsr: Text(),
  Format: Text(),
  FirstChannelOnly: Text(),
  WordInfo: Text(),
  SentenceMaxLength: Text(),
});

const speechRecognitionResult = doc(
  Obj({
    AudioTime: doc(Num(), 'Audio length in seconds'),
    Result: doc(List(Text()), 'Recognised text, one entry per segment'),
    ObjectName: Text(),
    DetailObjectName: Text(),
    FlashResult: List(
      Obj({
        channel_id: Text(),
        text: Text(),
        sentence_list: List(
          Obj({
            text: Text(),
            start_time: Text(),
            end_time: Text(),
            speaker_id: Text(),
            word_list: List(Obj({ word: Text(), start_time: Text(), end_time: Text() })),
          }),
        ),
      }),
    ),
    ResultDetail: List(
      Obj({
        FinalSentence: Text(),
        SliceSentence: Text(),
        StartMs: Text(),
        EndMs: Text(),
        WordsNum: Text(),
        SpeechSpeed: Text(),
        SpeakerId: Text(),
        Words: List(Obj({ Word: Text(), OffsetStartMs: Text(), OffsetEndMs: Text(), VoiceType: Text() })),
      }),
    ),
  }),
  'Speech recognition result (FlashResult keeps its snake_case element names)',
);

const sentenceScores = List(Obj({ StartTime: Text(), EndTime: Text(), Score: Text() }));
const vocalScoreResult = Obj({
  PitchScore: Obj({ TotalScore: Text(), SentenceScores: sentenceScores }),
  RhythemScore: doc(Obj({ TotalScore: Text(), SentenceScores: sentenceScores }), 'Spelled Rhythem by CI'),
});

const wordsGeneralizeResult = Obj({
  WordsGeneralizeLable: doc(List(Obj({ Category: Text(), Word: Text() })), 'Spelled Lable by CI'),
  WordsGeneralizeToken: List(Obj({ Length: Text(), Offset: Text(), Pos: Text(), Word: Text() })),
});

const vtrInfo = List(
  Obj({
    Name: Text(),
    Score: Text(),
    Location: Obj({ X: Text(), Y: Text(), Width: Text(), Height: Text() }),
  }),
);
const vtrItem = <K extends string>(infoKey: K) => List(Obj({ Time: Text(), Url: Text(), [infoKey]: vtrInfo }));

const videoTargetRec = Obj({
  Version: Text(),
  SnapshotFreq: Text(),
  TopKRecognition: doc(List(Obj({ Time: Text(), Url: Text(), Score: Text() })), 'A list in the Java SDK'),
  Body: Text(),
  Pet: Text(),
  Car: Text(),
  Face: Text(),
  Plate: Text(),
  ProcessType: Text(),
  TransTpl: Obj({
    Container: container,
    Video: Obj({ Codec: Text(), Bitrate: Text(), Crf: Text(), Width: Text(), Height: Text(), Fps: Text() }),
  }),
});

/** The Java SDK's form of a recognition result: `{FusionScore, ResultDetails[]{Time, Url, ResultInfo[]}}`. */
const vtrFusionProps = {
  FusionScore: Text(),
  ResultDetails: List(Obj({ Time: Text(), Url: Text(), ResultInfo: vtrInfo })),
};
const vtrFusion = List(Obj(vtrFusionProps));

/** Go names the results `BodyRecognition` etc., Java `BodyRecognitionResult` etc.; both are accepted. */
const videoTargetRecResult = Obj({
  BodyRecognition: vtrItem('BodyInfo'),
  PetRecognition: vtrItem('PetInfo'),
  CarRecognition: vtrItem('CarInfo'),
  FaceRecognition: vtrItem('FaceInfo'),
  LicenseRecognitionResult: List(Obj({ Time: Text(), Url: Text(), PlateInfo: vtrInfo, ...vtrFusionProps })),
  BodyRecognitionResult: vtrFusion,
  PetRecognitionResult: vtrFusion,
  CarRecognitionResult: vtrFusion,
  FaceRecognitionResult: vtrFusion,
  Sensitive: Text(),
});

const segmentVideoBody = Obj({
  Mode: Text(),
  SegmentType: Text(),
  BackgroundRed: Text(),
  BackgroundGreen: Text(),
  BackgroundBlue: Text(),
  BackgroundLogoUrl: Text(),
  BinaryThreshold: Text(),
  RemoveRed: Text(),
  RemoveGreen: Text(),
  RemoveBlue: Text(),
});

const imageInfo = Obj({
  Format: Text(),
  Width: Int(),
  Height: Int(),
  Quality: Int(),
  Ave: doc(Text(), 'Average colour, hex text'),
  Orientation: Int(),
});

/**
 * Two shapes are documented (the CI docs' PicProcess callback sample, and the Go SDK) and both are accepted: the doc callback's
 * {ObjectName, OriginalInfo{Etag,ImageInfo}, ProcessResult{…}} and the Go SDK's
 * {UploadResult{OriginalInfo{Key,Location,ETag,ImageInfo}, ProcessResults{Object[]}}}.
 */
const picProcessResult = doc(
  Obj({
    ObjectName: Text(),
    OriginalInfo: Obj({ Etag: doc(Text(), 'Quoted, e.g. "d5a4…"'), ETag: Text(), Key: Text(), Location: Text(), ImageInfo: imageInfo }),
    ProcessResult: Obj({
      Etag: Text(),
      Format: Text(),
      Width: Int(),
      Height: Int(),
      Quality: Int(),
      Size: Int(),
    }),
    UploadResult: Obj({
      OriginalInfo: Obj({ Key: Text(), Location: Text(), ETag: Text(), Etag: Text(), ImageInfo: imageInfo }),
      ProcessResults: Obj({
        Object: doc(
          List(
            Obj({
              Key: Text(),
              Location: Text(),
              Format: Text(),
              Width: Int(),
              Height: Int(),
              Size: Int(),
              Quality: Int(),
              Etag: Text(),
              ETag: Text(),
              AIGCMetadata: aigcMetadata,
            }),
          ),
          'One entry per processing rule (COS picture-processing result)',
        ),
      }),
    }),
  }),
  'Picture-processing result (both documented shapes accepted)',
);

const imageOcrDetection = Obj({
  InputObjectName: Text(),
  InputObjectUrl: Text(),
  ObjectName: Text(),
  ObjectUrl: Text(),
  Code: Text(),
  State: Text(),
  Message: Text(),
  TextDetections: List(
    Obj({
      DetectedText: Text(),
      Confidence: Text(),
      Polygon: List(Obj({ X: Text(), Y: Text() })),
      ItemPolygon: List(Obj({ X: Text(), Y: Text(), Width: Text(), Height: Text() })),
      Words: List(
        Obj({
          Confidence: Text(),
          Character: Text(),
          WordCoordPoint: List(Obj({ WordCoordinate: List(Obj({ X: Text(), Y: Text() })) })),
        }),
      ),
      WordPolygon: List(
        Obj({
          LeftTop: List(Obj({ X: Text(), Y: Text() })),
          RightTop: List(Obj({ X: Text(), Y: Text() })),
          LeftBottom: List(Obj({ X: Text(), Y: Text() })),
          RightBottom: List(Obj({ X: Text(), Y: Text() })),
        }),
      ),
    }),
  ),
  Language: Text(),
  Angel: doc(Text(), 'Rotation angle (spelled Angel by CI)'),
  PdfPageSize: Text(),
});

/** Video DNA result. `Detection` and its `Audio` are repeated elements in the Java SDK. */
const dnaResult = Obj({
  VideoId: Text(),
  Duration: Text(),
  Detection: List(
    Obj({
      VideoId: Text(),
      Similar: Text(),
      SimilarDuration: Text(),
      Duration: Text(),
      MatchDetail: List(Obj({ MatchStartTime: Text(), MatchEndTime: Text(), SrcStartTime: Text(), SrcEndTime: Text() })),
      Audio: List(Obj({ Similar: Text() })),
    }),
  ),
});

// ---------------------------------------------------------------------------------------------
// Per-Tag Operation
// ---------------------------------------------------------------------------------------------

/** Every Tag-specific node, used for the batch JobParam (which may carry any of them). */
const tagNodes = {
  Transcode: transcode,
  Subtitles: subtitles,
  Animation: animation,
  Snapshot: snapshot,
  SnapshotPrefix: Text(),
  SmartCover: smartCover,
  ConcatTemplate: concatTemplate,
  VideoMontage: videoMontage,
  VoiceSeparate: voiceSeparate,
  VideoProcess: Obj({ ColorEnhance: colorEnhance, MsSharpen: msSharpen }),
  VideoEnhance: Obj({
    Transcode: transcode,
    SuperResolution: superResolution,
    SDRtoHDR: sdrToHdr,
    ColorEnhance: colorEnhance,
    MsSharpen: msSharpen,
    FrameEnhance: Obj({ FrameDoubling: Text() }),
  }),
  SuperResolution: superResolution,
  SDRtoHDR: sdrToHdr,
  Segment: segment,
  ExtractDigitalWatermark: extractDigitalWatermark,
  VideoTag: Obj({ Scenario: Text(), Text: Text() }),
  VideoTagResult: videoTagResult,
  QualityEstimateConfig: Obj({ Rotate: Text(), Mode: Text() }),
  QualityEstimate: qualityEstimate,
  TtsTpl: Obj({ Mode: Text(), Codec: Text(), VoiceType: Text(), Volume: Text(), Speed: Text() }),
  TtsConfig: Obj({ Input: Text(), InputType: Text() }),
  NoiseReduction: Obj({ Format: Text(), Samplerate: Text() }),
  SpeechRecognition: speechRecognition,
  SpeechRecognitionResult: speechRecognitionResult,
  SoundHoundResult: Obj({
    SongList: doc(List(Obj({ Inlier: Text(), SingerName: Text(), SongName: Text() })), 'Candidate songs'),
  }),
  VocalScore: Obj({ StandardObject: Text() }),
  VocalScoreResult: vocalScoreResult,
  Translation: Obj({ Lang: Text(), Type: Text() }),
  WordsGeneralize: Obj({ NerMethod: Text(), SegMethod: Text() }),
  WordsGeneralizeResult: wordsGeneralizeResult,
  VideoTargetRec: videoTargetRec,
  VideoTargetRecResult: videoTargetRecResult,
  SegmentVideoBody: segmentVideoBody,
  SplitVideoParts: Obj({ Mode: Text() }),
  SplitVideoInfoResult: Obj({ TimeInfo: List(Obj({ Index: Text(), PartBegin: Text(), PartEnd: Text() })) }),
  FillConcat: Obj({
    Format: Text(),
    FillInput: List(Obj({ Url: Text(), FillTime: Text() })),
    RefMode: Text(),
    RefIndex: Text(),
  }),
  VideoSynthesis: Obj({
    KeepAudioTrack: Text(),
    SpliceInfo: List(Obj({ Url: Text(), X: Text(), Y: Text(), Width: Text(), Height: Text() })),
  }),
  DnaConfig: Obj({ RuleType: Text(), DnaDbId: Text(), VideoId: Text() }),
  DnaResult: dnaResult,
  DNAResult: doc(dnaResult, 'The Java SDK spelling of DnaResult'),
  ImageInspect: Obj({ AutoProcess: Text(), ProcessType: Text() }),
  ImageInspectResult: Obj({
    State: Text(),
    Code: Text(),
    Message: Text(),
    InputObjectName: Text(),
    InputObjectUrl: Text(),
    ProcessResult: Obj({
      PicSize: Text(),
      PicType: Text(),
      Suspicious: Text(),
      SuspiciousBeginByte: Text(),
      SuspiciousEndByte: Text(),
      SuspiciousSize: Text(),
      SuspiciousType: Text(),
      AutoProcessResult: Obj({ Code: Text(), Message: Text() }),
    }),
  }),
  ImageOCR: Obj({
    Type: Text(),
    LanguageType: Text(),
    IsPdf: Text(),
    PdfPageNumber: Text(),
    IsWord: Text(),
    EnableWordPolygon: Text(),
  }),
  Detection: imageOcrDetection,
  PicProcess: Obj({ IsPicInfo: Text(), ProcessRule: Text() }),
  PicProcessResult: picProcessResult,
  PosterProduction: Obj({ TemplateId: Text(), Info: doc(Obj({}), 'Free-form template fields, passed through') }),
} satisfies TProperties;

type TagNode = keyof typeof tagNodes;

const op = (description: string, ...nodes: TagNode[]): TObject => {
  const props: TProperties = { ...commonOperationProps };
  for (const node of nodes) props[node] = tagNodes[node];
  return doc(Obj(props), description);
};

export const operationByTag: Record<string, TObject> = {
  Transcode: op('Audio/video transcoding', 'Transcode', 'Subtitles'),
  GeneratePlayList: op('Play-list generation (live-transcode variant of Transcode)', 'Transcode', 'Subtitles'),
  Animation: op('Video to animated image', 'Animation'),
  Snapshot: op('Video snapshots / sprite images', 'Snapshot', 'SnapshotPrefix'),
  SmartCover: op('Smart cover selection', 'SmartCover'),
  Concat: op('Audio/video concatenation', 'ConcatTemplate'),
  VideoProcess: op('Video processing (colour enhance, sharpen)', 'VideoProcess'),
  VideoEnhance: op('Picture-quality enhancement', 'VideoEnhance'),
  SuperResolution: op('Super resolution', 'SuperResolution'),
  SDRtoHDR: op('SDR to HDR', 'SDRtoHDR'),
  Segment: op('Remuxing / segmenting', 'Segment'),
  VideoMontage: op('Highlights montage', 'VideoMontage'),
  VoiceSeparate: op('Voice / background separation', 'VoiceSeparate'),
  DigitalWatermark: op('Add a digital watermark'),
  ExtractDigitalWatermark: op('Extract a digital watermark', 'ExtractDigitalWatermark'),
  Watermark: op('Visible video watermark'),
  VideoTag: op('Video tagging', 'VideoTag', 'VideoTagResult'),
  MediaInfo: op('Media information of the input (result in MediaInfo)'),
  QualityEstimate: op('Video quality score', 'QualityEstimateConfig', 'QualityEstimate'),
  StreamExtract: op('Stream extraction (streams listed in Output.StreamExtract)'),
  SegmentVideoBody: op('Portrait matting', 'SegmentVideoBody'),
  VideoTargetRec: op('Video object detection', 'VideoTargetRec', 'VideoTargetRecResult'),
  SplitVideoParts: op('Video scene splitting', 'SplitVideoParts', 'SplitVideoInfoResult'),
  Tts: doc(
    Obj({ ...commonOperationProps, TtsTpl: tagNodes.TtsTpl, TtsConfig: tagNodes.TtsConfig, Input: jobInput }),
    "Text to speech (the workflow callback sample in CI's docs nests Input{CosHeaders} inside Operation)",
  ),
  NoiseReduction: op('Audio noise reduction', 'NoiseReduction'),
  SpeechRecognition: op('Speech recognition', 'SpeechRecognition', 'SpeechRecognitionResult'),
  SoundHound: op('Song recognition', 'SoundHoundResult'),
  VocalScore: op('Singing score', 'VocalScore', 'VocalScoreResult'),
  Translation: op('Document translation', 'Translation'),
  WordsGeneralize: op('Word segmentation', 'WordsGeneralize', 'WordsGeneralizeResult'),
  PicProcess: op('Picture processing', 'PicProcess', 'PicProcessResult'),
  PosterProduction: op('Poster production', 'PosterProduction'),
  FillConcat: op('Fill-and-concatenate', 'FillConcat'),
  VideoSynthesis: op('Video synthesis (picture-in-picture splice)', 'VideoSynthesis'),
  DNA: op('Video DNA (fingerprint) match', 'DnaConfig', 'DnaResult', 'DNAResult'),
  ImageInspect: op('Image inspection (hidden-payload detection)', 'ImageInspect', 'ImageInspectResult'),
  ImageOCR: op('Image OCR', 'ImageOCR', 'Detection'),
};

// ---------------------------------------------------------------------------------------------
// Batch jobs (/inventorytriggerjob: the CI docs' batch-job query page and the Go SDK's ci_inventory types)
// ---------------------------------------------------------------------------------------------

export const batchInput = doc(
  Obj({ Manifest: Text(), UrlFile: Text(), Prefix: Text(), Object: Text() }),
  'What the batch job scans: an inventory manifest, a URL list file, a prefix or one object',
);

export const batchOperation = doc(
  Obj({
    TimeInterval: doc(Obj({ Start: Time(), End: Time() }), 'Only objects uploaded in this window (timestamps)'),
    WorkflowIds: doc(Text(), 'Workflow id(s) run on each object (a single element; may be comma-joined)'),
    QueueId: Text(),
    UserData: Text(),
    JobLevel: Int(),
    CallBackFormat: Text(),
    CallBackType: Text(),
    CallBack: Text(),
    CallBackMqConfig: Obj({ MqMode: Text(), MqRegion: Text(), MqName: Text() }),
    Tag: doc(Text(), 'Job type run on each object when Type is Job, e.g. Transcode'),
    JobParam: doc(
      Obj({ ...commonOperationProps, ...tagNodes }),
      'Parameters of the per-object job (same children as a media job Operation)',
    ),
    Output: jobOutput,
    FreeTranscode: Text(),
  }),
  'Batch job rules',
);

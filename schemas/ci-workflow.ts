/**
 * GET /workflowexecution/{runId}: one workflow run (an "instance" in CI's docs), written from the
 * API page 获取工作流实例详情 (DescribeWorkflowExecution, cloud.tencent.com/document/product/436/80046
 * and its IntlDocs twin), the Go SDK's `WorkflowExecution`/`Topology` structs (ci_media.go: no
 * Tasks there) and the Java SDK's `MediaWorkflowExecutionObject`, `MediaTasks`,
 * `MediaTaskResultInfo` (which have them). Its items are `WorkflowExecution`s named by `RunId`,
 * not `JobsDetail`s named by `JobId` (shared/ci/families.ts).
 *
 * `Topology.Dependencies` and `Topology.Nodes` name their children after the workflow's own nodes
 * (`Start`, `Snapshot_1581665960536`, …): they are `Dict`s (dsl.ts), so every node is kept and
 * converted with the node schema whatever it is called.
 */
import { cosHeader, doc, jobOutput } from './ci-common';
import { Bool, Dict, Int, List, Obj, Text, Time } from './dsl';

const extFilter = doc(
  Obj({
    State: doc(Text(), 'On or Off'),
    Video: Bool(),
    Audio: Bool(),
    Image: Bool(),
    ContentType: Bool(),
    Custom: Bool(),
    CustomExts: doc(Text(), 'Extensions that trigger the workflow when Custom is true, e.g. mp4/mp3'),
    AllFile: Bool(),
  }),
  'Which uploads trigger the workflow (Start node)',
);

const notifyConfig = Obj({
  Url: Text(),
  Event: Text(),
  Type: Text(),
  ResultFormat: Text(),
  MqMode: Text(),
  MqRegion: Text(),
  MqName: Text(),
});

const nodeInput = doc(
  Obj({
    QueueId: Text(),
    PicProcessQueueId: Text(),
    ObjectPrefix: Text(),
    NotifyConfig: notifyConfig,
    ExtFilter: extFilter,
  }),
  'Start node: the queue and the uploads that start a run',
);

const nodeOperation = doc(
  Obj({
    TemplateId: Text(),
    TemplateName: Text(),
    WatermarkTemplateId: List(Text()),
    Output: jobOutput,
  }),
  'A processing node: the template it applies and where it writes; other children as the node type has them',
);

const workflowNode = doc(
  Obj({ Type: doc(Text(), 'Start, End, or a job type: Transcode, Snapshot, Animation, …'), Input: nodeInput, Operation: nodeOperation }),
  'One node of the workflow, named as the workflow names it',
);

const topology = doc(
  Obj({
    Dependencies: doc(Dict(Text()), 'Per node name, the node(s) that follow it, comma-separated (End: the last)'),
    Nodes: doc(Dict(workflowNode), 'Per node name, what that node does'),
  }),
  'The workflow as it was when the run started (as GetWorkflow returns it)',
);

const objectInfo = Obj({ ObjectName: Text(), ObjectUrl: Text(), InputObjectName: Text(), Code: Text(), Message: Text() });
const spriteObjectInfo = Obj({ ObjectName: Text(), ObjectUrl: Text() });

const resultInfo = doc(
  Obj({
    ObjectCount: Int(),
    ObjectInfo: doc(List(objectInfo), 'One entry per object the task wrote'),
    SpriteObjectCount: Int(),
    SpriteObjectInfo: List(spriteObjectInfo),
  }),
  'What the task produced (once it has finished)',
);

const task = doc(
  Obj({
    Type: doc(Text(), 'The node type this task runs (Transcode, Snapshot, …)'),
    JobId: doc(Text(), 'The media job this task ran: look it up with type media'),
    Name: doc(Text(), 'The node name (a key of Topology.Nodes)'),
    State: doc(Text(), 'Known values: Submitted, Running, Success, Failed, Pause, Cancel'),
    CreateTime: Time(),
    StartTime: Time(),
    EndTime: Time(),
    Code: Text(),
    Message: Text(),
    TemplateId: Text(),
    TemplateName: Text(),
    ResultInfo: resultInfo,
    JudgementInfo: Obj({}),
    FileInfo: Obj({}),
  }),
  'One task of the run: a node that ran as a job',
);

export const workflowExecution = doc(
  Obj(
    {
      RunId: doc(Text(), 'The run id (the id asked for)'),
      WorkflowId: Text(),
      WorkflowName: Text(),
      Name: doc(Text(), 'The workflow name (newer bodies; older ones send WorkflowName)'),
      State: doc(Text(), 'Known values: Running, Success, Failed, Cancel'),
      CreateTime: doc(Time(), 'Note: CreateTime, not CreationTime as on jobs'),
      Object: doc(Text(), 'The COS object the run processes'),
      CosHeaders: doc(List(cosHeader), 'Headers of the upload that started the run'),
      Topology: topology,
      Tasks: doc(List(task), 'One entry per node that ran as a job, in the order CI lists them'),
    },
    ['RunId', 'State'],
  ),
  'One workflow run',
);

/** GET /workflowexecution/{runId}. */
export const workflowResponse = doc(
  Obj({
    RequestId: Text(),
    WorkflowExecution: doc(List(workflowExecution), 'One entry per existing run id'),
    NonExistJobIds: doc(List(Text()), 'Requested run ids CI does not know'),
    NextToken: Text(),
  }),
  'CI GET /workflowexecution/{runId} response',
);

// Field numbers of the Kubernetes protobuf messages shoal reads (k8s.io/api and apimachinery
// `generated.proto`), for the fields its schemas know. The JSON name of a field is its proto name.

/** Well-known value types with a JSON form of their own. */
export type Special = 'time' | 'quantity' | 'intOrString'

export type ValueType = 'string' | 'int' | 'bool' | Special | { message: string }

export interface FieldDef {
  name: string
  type: ValueType
  repeated?: true
  /** A map<string, type> (an entry message with key 1 and value 2). */
  map?: true
  /** A pointer in Go: 0 or false was set on purpose (spec.replicas: 0), so it is kept. */
  keepZero?: true
  /** Go embeds the message: its fields appear at this level in JSON (Probe's handler). */
  inline?: true
  /** Read by shoal from elsewhere (status): skipped. */
  skip?: true
}

export type MessageDef = Readonly<Record<number, FieldDef>>

const str = (name: string): FieldDef => ({ name, type: 'string' })
const int = (name: string, keepZero = false): FieldDef => ({ name, type: 'int', ...(keepZero ? { keepZero: true as const } : {}) })
const bool = (name: string): FieldDef => ({ name, type: 'bool' })
const msg = (name: string, message: string, more: Partial<FieldDef> = {}): FieldDef => ({ name, type: { message }, ...more })
const strings = (name: string): FieldDef => ({ name, type: 'string', repeated: true })
const stringMap = (name: string): FieldDef => ({ name, type: 'string', map: true })
const skipped = (name: string): FieldDef => ({ name, type: 'string', skip: true })

const objectMeta = msg('metadata', 'ObjectMeta')

export const MESSAGES: Readonly<Record<string, MessageDef>> = {
  // meta/v1
  ObjectMeta: {
    1: str('name'),
    2: str('generateName'),
    3: str('namespace'),
    5: str('uid'),
    6: str('resourceVersion'),
    7: int('generation'),
    8: { name: 'creationTimestamp', type: 'time' },
    11: stringMap('labels'),
    12: stringMap('annotations'),
    13: msg('ownerReferences', 'OwnerReference', { repeated: true }),
    14: strings('finalizers'),
    17: skipped('managedFields'),
  },
  OwnerReference: { 1: str('kind'), 3: str('name'), 4: str('uid'), 5: str('apiVersion'), 6: { ...bool('controller'), keepZero: true }, 7: { ...bool('blockOwnerDeletion'), keepZero: true } },
  LabelSelector: { 1: stringMap('matchLabels'), 2: msg('matchExpressions', 'LabelSelectorRequirement', { repeated: true }) },
  LabelSelectorRequirement: { 1: str('key'), 2: str('operator'), 3: strings('values') },
  // apps/v1
  Deployment: { 1: objectMeta, 2: msg('spec', 'DeploymentSpec'), 3: skipped('status') },
  DeploymentSpec: {
    1: int('replicas', true),
    2: msg('selector', 'LabelSelector'),
    3: msg('template', 'PodTemplateSpec'),
    4: msg('strategy', 'DeploymentStrategy'),
    5: int('minReadySeconds'),
    6: int('revisionHistoryLimit', true),
    7: bool('paused'),
    9: int('progressDeadlineSeconds', true),
  },
  DeploymentStrategy: { 1: str('type'), 2: msg('rollingUpdate', 'RollingUpdateDeployment') },
  RollingUpdateDeployment: { 1: { name: 'maxUnavailable', type: 'intOrString' }, 2: { name: 'maxSurge', type: 'intOrString' } },
  ReplicaSet: { 1: objectMeta, 2: msg('spec', 'ReplicaSetSpec'), 3: skipped('status') },
  ReplicaSetSpec: { 1: int('replicas', true), 2: msg('selector', 'LabelSelector'), 3: msg('template', 'PodTemplateSpec'), 4: int('minReadySeconds') },
  // core/v1
  Namespace: { 1: objectMeta, 2: msg('spec', 'NamespaceSpec'), 3: skipped('status') },
  NamespaceSpec: { 1: strings('finalizers') },
  Pod: { 1: objectMeta, 2: msg('spec', 'PodSpec'), 3: skipped('status') },
  PodTemplateSpec: { 1: objectMeta, 2: msg('spec', 'PodSpec') },
  PodSpec: {
    2: msg('containers', 'Container', { repeated: true }),
    3: str('restartPolicy'),
    4: int('terminationGracePeriodSeconds', true),
    7: stringMap('nodeSelector'),
    10: str('nodeName'),
    29: str('runtimeClassName'),
  },
  Container: {
    1: str('name'),
    2: str('image'),
    3: strings('command'),
    4: strings('args'),
    5: str('workingDir'),
    6: msg('ports', 'ContainerPort', { repeated: true }),
    7: msg('env', 'EnvVar', { repeated: true }),
    8: msg('resources', 'ResourceRequirements'),
    10: msg('livenessProbe', 'Probe'),
    11: msg('readinessProbe', 'Probe'),
    13: str('terminationMessagePath'),
    14: str('imagePullPolicy'),
    20: str('terminationMessagePolicy'),
    22: msg('startupProbe', 'Probe'),
  },
  ContainerPort: { 1: str('name'), 2: int('hostPort'), 3: int('containerPort'), 4: str('protocol') },
  EnvVar: { 1: str('name'), 2: str('value') },
  ResourceRequirements: { 1: { name: 'limits', type: 'quantity', map: true }, 2: { name: 'requests', type: 'quantity', map: true } },
  Probe: {
    1: msg('handler', 'ProbeHandler', { inline: true }),
    2: int('initialDelaySeconds'),
    3: int('timeoutSeconds'),
    4: int('periodSeconds'),
    5: int('successThreshold'),
    6: int('failureThreshold'),
  },
  ProbeHandler: { 1: msg('exec', 'ExecAction'), 2: msg('httpGet', 'HTTPGetAction'), 3: msg('tcpSocket', 'TCPSocketAction') },
  ExecAction: { 1: strings('command') },
  HTTPGetAction: { 1: str('path'), 2: { name: 'port', type: 'intOrString' }, 3: str('host'), 4: str('scheme'), 5: msg('httpHeaders', 'HTTPHeader', { repeated: true }) },
  HTTPHeader: { 1: str('name'), 2: str('value') },
  TCPSocketAction: { 1: { name: 'port', type: 'intOrString' }, 2: str('host') },
}

/** The kinds a protobuf body may carry, by apiVersion and kind, with their top-level message. */
export const TOP_LEVEL: ReadonlyMap<string, string> = new Map([
  ['apps/v1 Deployment', 'Deployment'],
  ['apps/v1 ReplicaSet', 'ReplicaSet'],
  ['v1 Pod', 'Pod'],
  ['v1 Namespace', 'Namespace'],
])

// `inspect`: an image in the JSON shape of Docker's Engine API (ImageInspect).
import type { Digest } from '../digest/digest.ts';
import type { ContainerConfig, ImageConfig } from '../oci/types.ts';
import type { Store } from '../store/store.ts';
import { getImageRecord, type ImageRecord } from './image-records.ts';
import { goJsonTime } from '../go/time.ts';
import { familiar } from './names.ts';


export async function inspectImage(store: Store, id: Digest): Promise<Record<string, unknown>> {
  const record = getImageRecord(store, id) as ImageRecord;
  const config = await readConfig(store, id);
  return {
    Id: id,
    RepoTags: record.repoTags.map(familiar),
    RepoDigests: record.repoDigests.map(familiar),
    Parent: record.parent ?? '',
    Comment: config.comment ?? '',
    Created: goJsonTime(config.created),
    DockerVersion: config.docker_version ?? '',
    Author: config.author ?? '',
    Config: dockerContainerConfig(config.config),
    Architecture: config.architecture,
    ...(config.variant ? { Variant: config.variant } : {}),
    Os: config.os,
    ...(config['os.version'] ? { OsVersion: config['os.version'] } : {}),
    Size: record.size,
    GraphDriver: { Data: null, Name: 'overlay2' },
    RootFS: { Type: 'layers', Layers: config.rootfs.diff_ids },
    Metadata: { LastTagTime: goJsonTime(record.lastTagTime) },
  };
}

export async function readConfig(store: Store, id: Digest): Promise<ImageConfig> {
  return JSON.parse((await store.content.readBytes(id)).toString('utf8')) as ImageConfig;
}

/** Docker's container.Config with every field present, as the Engine API returns it. */
export function dockerContainerConfig(config: ContainerConfig | undefined): Record<string, unknown> {
  const c = config ?? {};
  return {
    Hostname: c.Hostname ?? '',
    Domainname: c.Domainname ?? '',
    User: c.User ?? '',
    AttachStdin: c.AttachStdin ?? false,
    AttachStdout: c.AttachStdout ?? false,
    AttachStderr: c.AttachStderr ?? false,
    ...(c.ExposedPorts ? { ExposedPorts: c.ExposedPorts } : {}),
    Tty: c.Tty ?? false,
    OpenStdin: c.OpenStdin ?? false,
    StdinOnce: c.StdinOnce ?? false,
    Env: c.Env ?? null,
    Cmd: c.Cmd ?? null,
    ...(c.Healthcheck ? { Healthcheck: c.Healthcheck } : {}),
    ...(c.ArgsEscaped ? { ArgsEscaped: c.ArgsEscaped } : {}),
    Image: c.Image ?? '',
    Volumes: c.Volumes ?? null,
    WorkingDir: c.WorkingDir ?? '',
    Entrypoint: c.Entrypoint ?? null,
    OnBuild: c.OnBuild ?? null,
    Labels: c.Labels ?? null,
    ...(c.StopSignal ? { StopSignal: c.StopSignal } : {}),
    ...(c.Shell ? { Shell: c.Shell } : {}),
  };
}

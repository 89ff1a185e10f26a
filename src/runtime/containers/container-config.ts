// A container's settings as the store keeps them: Docker's Config and HostConfig shapes, so inspect shows them as the Engine API does.
import type { Healthcheck } from './healthcheck.ts';

export interface DockerConfig {
  Hostname: string;
  Domainname: string;
  User: string;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  ExposedPorts?: Record<string, object>;
  Tty: boolean;
  OpenStdin: boolean;
  StdinOnce: boolean;
  Env: string[];
  Cmd: string[] | null;
  Image: string;
  Volumes: Record<string, object> | null;
  WorkingDir: string;
  Entrypoint: string[] | null;
  OnBuild: string[] | null;
  Labels: Record<string, string>;
  StopSignal?: string;
  StopTimeout?: number;
  /** The image's, with the user's fields over it. */
  Healthcheck?: Healthcheck;
}

export interface RestartPolicy {
  Name: '' | 'no' | 'always' | 'unless-stopped' | 'on-failure';
  MaximumRetryCount: number;
}

export interface HostConfig {
  Binds: string[] | null;
  /** `--mount` values as given. */
  MountFlags: string[];
  /** `--tmpfs` values as given. */
  TmpfsFlags: string[];
  NetworkMode: string;
  /** `-p` values as given. */
  PublishFlags: string[];
  PublishAllPorts: boolean;
  RestartPolicy: RestartPolicy;
  AutoRemove: boolean;
  Privileged: boolean;
  ReadonlyRootfs: boolean;
  Memory: number;
  NanoCpus: number;
  PidsLimit: number | null;
  Init: boolean;
  Runtime: string;
  /** `--security-opt` values, a seccomp profile file's as `seccomp=<its JSON>`; null when none were given. */
  SecurityOpt: string[] | null;
  LogConfig: { Type: 'json-file'; Config: Record<string, string> };
  /** A TTY's first size, [rows, columns] (the Engine API's create since 1.42); [0, 0], or none in older records, is 24×80. */
  ConsoleSize?: [number, number];
}

export interface ContainerSettings {
  config: DockerConfig;
  hostConfig: HostConfig;
  /** The program and its arguments: entrypoint + command, resolved at create. */
  path: string;
  args: string[];
  /** Network-scoped aliases on its network (HostConfig.NetworkMode): other containers there resolve them as its name. */
  aliases?: string[];
  /** The bridge networks it is on besides HostConfig.NetworkMode's, by name, with its aliases on each; absent when none. */
  extraNetworks?: Record<string, { aliases?: string[] }>;
}

// The engine's facts as Docker's /info gives them (counts, storage, host), for `wharf info` and the Engine API alike.
import os from 'node:os';
import type { Store } from '../store/store.ts';
import { listContainers } from './containers/container-store.ts';

export interface EngineInfo {
  Containers: number;
  ContainersRunning: number;
  ContainersPaused: number;
  ContainersStopped: number;
  Images: number;
  Driver: string;
  KernelVersion: string;
  OperatingSystem: string;
  OSType: string;
  Architecture: string;
  NCPU: number;
  MemTotal: number;
  Name: string;
  DockerRootDir: string;
  ServerVersion: string;
  LoggingDriver: string;
}

export function engineInfo(store: Store, dataRoot: string, version: string): EngineInfo {
  const containers = listContainers(store);
  const live = containers.filter((container) => container.state === 'running' || container.state === 'restarting');
  const paused = live.filter((container) => container.paused).length;
  return {
    Containers: containers.length,
    ContainersRunning: live.length - paused,
    ContainersPaused: paused,
    ContainersStopped: containers.length - live.length,
    Images: Number(store.db.get('SELECT COUNT(*) AS n FROM images')?.n ?? 0),
    Driver: 'overlay2',
    KernelVersion: os.release(),
    OperatingSystem: os.type(),
    OSType: 'linux',
    Architecture: os.machine(),
    NCPU: os.cpus().length,
    MemTotal: os.totalmem(),
    Name: os.hostname(),
    DockerRootDir: dataRoot,
    ServerVersion: version,
    LoggingDriver: 'json-file',
  };
}

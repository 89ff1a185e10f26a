// System routes of the Engine API: /_ping, /version and /info, which docker/cli asks before anything else.
import os from 'node:os';
import packageJson from '../../package.json' with { type: 'json' };
import { hostArchitecture } from '../oci/platform.ts';
import { engineInfo } from '../runtime/engine-info.ts';
import { sendJson } from './api-errors.ts';
import { API_VERSION, MIN_API_VERSION } from './api-version.ts';
import type { ApiRequest, Route } from './api-routes.ts';


/** The headers docker/cli's ping reads to negotiate the API version it speaks. */
export const PING_HEADERS = { 'Api-Version': API_VERSION, 'Docker-Experimental': 'false', Ostype: 'linux', 'Builder-Version': '1', 'Cache-Control': 'no-cache, no-store, must-revalidate', Pragma: 'no-cache' };

function ping({ request, response }: ApiRequest): void {
  response.writeHead(200, { ...PING_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': 2 });
  response.end(request.method === 'HEAD' ? undefined : 'OK');
}

function version({ response }: ApiRequest): void {
  const details = { ApiVersion: API_VERSION, MinAPIVersion: MIN_API_VERSION, Os: 'linux', Arch: hostArchitecture(), KernelVersion: os.release(), Experimental: 'false' };
  sendJson(response, 200, {
    Platform: { Name: 'wharf' },
    Components: [{ Name: 'Engine', Version: packageJson.version, Details: details }],
    Version: packageJson.version,
    ApiVersion: API_VERSION,
    MinAPIVersion: MIN_API_VERSION,
    GitCommit: '',
    GoVersion: `node ${process.version}`,
    Os: 'linux',
    Arch: hostArchitecture(),
    KernelVersion: os.release(),
    BuildTime: '',
  });
}

function info({ response, store, dataRoot }: ApiRequest): void {
  sendJson(response, 200, {
    ID: '',
    ...engineInfo(store, dataRoot, packageJson.version),
    DriverStatus: [['Metadata', 'sqlite (WAL)']],
    Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'none'], Log: ['json-file'] },
    Swarm: { LocalNodeState: 'inactive' },
    Runtimes: { runc: { path: 'runc' } },
    DefaultRuntime: 'runc',
    CgroupDriver: 'cgroupfs',
    IndexServerAddress: 'https://index.docker.io/v1/',
    RegistryConfig: { IndexConfigs: {}, InsecureRegistryCIDRs: ['127.0.0.0/8'], Mirrors: [] },
    SecurityOptions: ['name=seccomp,profile=builtin'],
    Labels: [],
    ExperimentalBuild: false,
    Warnings: [],
  });
}

export const SYSTEM_ROUTES: Route[] = [
  { method: 'GET', pattern: /^\/_ping$/, handler: ping },
  { method: 'HEAD', pattern: /^\/_ping$/, handler: ping },
  { method: 'GET', pattern: /^\/version$/, handler: version },
  { method: 'GET', pattern: /^\/info$/, handler: info },
];

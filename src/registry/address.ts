import type {RegistryKind} from '../lesson/schema.js';

/**
 * A registry address: host[:port], the way docker and the lab name a registry.
 * Docker Hub has several names; which of them count depends on who is asking
 * (docker's reference parser, a login file, or the HTTP API), so callers say so.
 */

/** How the lab names Docker Hub's registry, as docker's reference parser does. */
export const dockerHubDomain = 'docker.io';
/** The server behind Docker Hub, where its registry API answers. */
export const dockerHubApiHost = 'registry-1.docker.io';
/** Docker Hub's old name, still the key of its logins ('https://index.docker.io/v1/'). */
const legacyHubDomain = 'index.docker.io';

/**
 * Which spellings mean Docker Hub. By default the two docker's reference parser knows, compared exactly.
 * `server`: also registry-1.docker.io, which the parser keeps apart but podman's logins and the HTTP API treat as Docker Hub.
 * `ignoreCase`: compare as host names are compared, for keys of a login file.
 */
export type HubSpellings = {readonly server?: boolean; readonly ignoreCase?: boolean};

/** `host[:port]` out of an address, a URL or a login key: drops any `scheme://` and any path, like docker's ConvertToHostname. */
export function hostOf(address: string): string {
	const withoutScheme = address.trim().replace(/^[a-z][a-z\d+.-]*:\/\//i, '');
	return withoutScheme.split('/')[0] ?? '';
}

/** Is this Docker Hub? 'docker.io' and 'index.docker.io' are, with or without 'https://' and a path; see HubSpellings for more. */
export function isDockerHub(address: string, spellings: HubSpellings = {}): boolean {
	const typed = hostOf(address);
	const host = spellings.ignoreCase ? typed.toLowerCase() : typed;
	return host === dockerHubDomain || host === legacyHubDomain || (spellings.server === true && host === dockerHubApiHost);
}

/** The registry as the lab names it: `host[:port]`, or 'docker.io' for any name of Docker Hub. */
export function registryName(address: string, spellings: HubSpellings = {}): string {
	return isDockerHub(address, spellings) ? dockerHubDomain : hostOf(address);
}

/** Where the registry API is: Docker Hub's names become registry-1.docker.io; lowercase, no scheme, no path. */
export function registryApiHost(address: string): string {
	const host = hostOf(address).toLowerCase();
	return isDockerHub(host) ? dockerHubApiHost : host;
}

/** localhost, 127.0.0.0/8 and ::1, with or without a port: registries docker talks plain HTTP to without configuration. */
export function isLoopbackHost(address: string): boolean {
	const host = hostname(registryApiHost(address));
	if (host === 'localhost') return true;
	if (host === '::1' || /^(?:0{1,4}:){7}0{0,3}1$/.test(host) || host === '0:0:0:0:0:0:0:1') return true;
	const octets = host.split('.');
	return octets.length === 4 && octets[0] === '127' && octets.every(octet => /^\d{1,3}$/.test(octet) && Number(octet) <= 255);
}

/** The host without its port: '[::1]:5000' -> '::1', '127.0.0.1:5000' -> '127.0.0.1'. */
function hostname(hostPort: string): string {
	if (hostPort.startsWith('[')) return hostPort.slice(1, hostPort.indexOf(']') === -1 ? undefined : hostPort.indexOf(']'));
	if ((hostPort.match(/:/g) ?? []).length > 1) return hostPort; // a bare IPv6 address
	return hostPort.split(':')[0] ?? hostPort;
}

/** For sentences: 'Docker Hub', or the address as it is. */
export function registryTitle(address: string, spellings: HubSpellings = {}): string {
	return isDockerHub(address, spellings) ? 'Docker Hub' : address;
}

/** Says where it is: 'Docker Hub', or 'the registry at 127.0.0.1, port 5000, on this computer'. An IPv6 host keeps its brackets. */
export function registryDescription(address: string): string {
	if (isDockerHub(address)) return 'Docker Hub';
	const portAt = address.lastIndexOf(':');
	const hasPort = portAt > address.lastIndexOf(']');
	const host = hasPort ? address.slice(0, portAt) : address;
	return `the registry at ${host}${hasPort ? `, port ${address.slice(portAt + 1)}` : ''}${isLoopbackHost(address) ? ', on this computer' : ''}`;
}

/** The registry of a lesson run by its kind, for a report line: 'Docker Hub', 'the class registry HOST', 'the practice registry HOST'. */
export function registryOfKind(kind: RegistryKind, host: string): string {
	return kind === 'hub' ? 'Docker Hub' : `the ${kind} registry ${host}`;
}

/** What is wrong with a registry address a person typed, or null: it must be host[:port] with nothing else, no scheme, no path. */
export function hostProblem(value: string): string | null {
	if (!value) return 'Type the registry address.';
	if (/^[a-z]+:\/\//i.test(value)) {
		return `Leave out the ${value.split('://')[0]}:// part: type only the host, like ${value.split('://')[1]?.split('/')[0] ?? 'host:5000'}.`;
	}
	if (value.includes('/')) return 'Type only the host (and port), without a path.';
	if (/\s/.test(value)) return 'A registry address cannot contain spaces.';
	if (!/^(?:\[[0-9a-fA-F:]+\]|[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?)(?::\d{1,5})?$/.test(value)) return `'${value}' is not a host name or address.`;
	const port = /:(\d+)$/.exec(value)?.[1];
	if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return `The port ${port} does not exist: a port is a number from 1 to 65535.`;
	return null;
}

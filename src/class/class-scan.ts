/**
 * The class registry's catalog, read as the instructor's account: every repository, its tags and
 * each tag's manifest digest. It finds pushes made while no listener ran (their time is unknown),
 * so a dashboard started late still shows what every student pushed.
 */
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {createRegistryClient, type RegistryClient} from '../registry/registry-client.js';
import {tlsFiles} from './class-tls.js';
import {classFiles, instructorAccount, type ClassConfig} from './class-types.js';
import type {ScannedImage} from './class-view.js';

/** A class of thirty pushes a few repositories each; more than this is not a class's registry. */
export const maxScannedRepositories = 500;
export const maxScannedTags = 50;
/** Requests in flight at once. */
const parallel = 4;

export type ScanResult =
	| {
			readonly ok: true;
			readonly images: ScannedImage[];
			/** Repositories or tags left out (the bounds above, or the registry's own). */ readonly partial: boolean;
	  }
	| {readonly ok: false; readonly problem: string};

/** The class's own certificate (tls/ca.crt, made by class up --tls), to trust its registry by; undefined when it cannot be read. */
export async function readClassCa(dir: string): Promise<Buffer | undefined> {
	try {
		return await readFile(path.join(dir, classFiles.tlsDir, tlsFiles.certificate));
	} catch {
		return undefined;
	}
}

/** Where the instructor reaches the class registry: on this machine when it listens on every interface. */
export function classRegistryHost(config: ClassConfig): string {
	const host = config.bind === '0.0.0.0' || config.bind === '::' ? '127.0.0.1' : config.bind;
	return `${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

/**
 * Scan a registry class's catalog; a Hub class has none to scan. A class with --tls is asked over HTTPS, trusting
 * only `ca`, its own certificate (tls/ca.crt). Never throws.
 */
export async function scanClass(
	config: ClassConfig,
	options: {readonly client?: RegistryClient; readonly signal?: AbortSignal; readonly ca?: string | Buffer} = {},
): Promise<ScanResult> {
	if (config.kind !== 'registry') return {ok: false, problem: 'a Hub class has no catalog to scan.'};
	if (config.tls && !options.client && !options.ca) return {ok: false, problem: "the class's certificate (tls/ca.crt) could not be read."};
	const client =
		options.client ??
		createRegistryClient({
			registry: classRegistryHost(config),
			credentials: {username: instructorAccount, password: config.instructorPassword},
			scheme: config.tls ? 'https' : 'http',
			timeoutMs: 5000,
			...(config.tls && options.ca ? {ca: options.ca} : {}),
			...(options.signal ? {signal: options.signal} : {}),
		});
	return scanRegistry(client);
}

export async function scanRegistry(client: RegistryClient): Promise<ScanResult> {
	const catalog = await client.catalog();
	if (!catalog.ok) return {ok: false, problem: catalog.message};
	let partial = Boolean(catalog.more || catalog.stoppedEarly) || catalog.repositories.length > maxScannedRepositories;
	const repositories = catalog.repositories.slice(0, maxScannedRepositories);
	const pairs: {repository: string; tag: string}[] = [];
	await eachLimited(repositories, async repository => {
		const tags = await client.listTags(repository);
		// A repository whose tags cannot be listed (deleted meanwhile) is left out; the next scan sees it again.
		if (!tags.ok) return;
		if (tags.more || tags.stoppedEarly || tags.tags.length > maxScannedTags) partial = true;
		for (const tag of tags.tags.slice(0, maxScannedTags)) pairs.push({repository, tag});
	});
	const images: ScannedImage[] = [];
	await eachLimited(pairs, async ({repository, tag}) => {
		const manifest = await client.headManifest(repository, tag);
		if (manifest.ok) images.push({repository, tag, digest: manifest.digest});
	});
	images.sort((a, b) => (a.repository === b.repository ? (a.tag < b.tag ? -1 : 1) : a.repository < b.repository ? -1 : 1));
	return {ok: true, images, partial};
}

async function eachLimited<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
	let next = 0;
	const worker = async (): Promise<void> => {
		while (next < items.length) await work(items[next++]!);
	};
	await Promise.all(Array.from({length: Math.min(parallel, items.length)}, worker));
}

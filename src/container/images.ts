import {randomBytes} from 'node:crypto';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {runCommand, type RunOptions} from '../run/run-command.js';
import {engineCommand, importArgs, inspectIdArgs, inspectLabelsArgs, listImagesArgs} from './commands.js';
import type {Engine} from './engine.js';
import {parseReference} from './reference.js';

export type LocalImage = {readonly reference: string; readonly repository: string; readonly tag: string; readonly id: string; readonly size: string};

export type Answer<T> = {readonly ok: true; readonly value: T} | {readonly ok: false; readonly output: string; readonly spawnError?: string};

/** Images on this machine that have a name (dangling `<none>` ones are left out). */
export async function listImages(engine: Engine, options: RunOptions = {}): Promise<Answer<LocalImage[]>> {
	const result = await runCommand(engineCommand(engine, listImagesArgs(), {timeoutMs: 20_000}), {signal: options.signal});
	if (result.exitCode !== 0) return {ok: false, output: joinOutput(result), ...(result.spawnError ? {spawnError: result.spawnError} : {})};
	const images: LocalImage[] = [];
	for (const line of result.stdout.split('\n')) {
		const [repository = '', tag = '', id = '', size = ''] = line.split('\t');
		if (!repository || repository === '<none>' || tag === '<none>') continue;
		images.push({reference: `${repository}:${tag}`, repository, tag, id, size});
	}
	return {ok: true, value: images};
}

/** The image id a name points at, or the engine's own words when there is none. */
/** `timeoutMs`: how long the engine may take (a check passes its own time limit); default 20 s. */
export async function imageId(engine: Engine, reference: string, options: RunOptions & {timeoutMs?: number} = {}): Promise<Answer<string>> {
	const result = await runCommand(engineCommand(engine, inspectIdArgs(reference), {timeoutMs: options.timeoutMs ?? 20_000}), {signal: options.signal});
	if (result.exitCode !== 0) return {ok: false, output: joinOutput(result), ...(result.spawnError ? {spawnError: result.spawnError} : {})};
	return {ok: true, value: result.stdout.trim()};
}

/** The labels a starter image carries: who made it (their registry username), and a random token of that one import. */
export const authorLabel = 'io.registry-lab.author';
export const tokenLabel = 'io.registry-lab.token';

/** An image's id and labels (none: an empty record). */
export type ImageFacts = {readonly id: string; readonly labels: Readonly<Record<string, string>>};

/** The image a name points at, with its labels; the engine's own words when there is none. */
export async function imageFacts(engine: Engine, reference: string, options: RunOptions = {}): Promise<Answer<ImageFacts>> {
	const result = await runCommand(engineCommand(engine, inspectLabelsArgs(reference), {timeoutMs: 20_000}), {signal: options.signal});
	if (result.exitCode !== 0) return {ok: false, output: joinOutput(result), ...(result.spawnError ? {spawnError: result.spawnError} : {})};
	const text = result.stdout.trim();
	const space = text.indexOf(' ');
	const id = space === -1 ? text : text.slice(0, space);
	return {ok: true, value: {id, labels: space === -1 ? {} : labelsOf(text.slice(space + 1))}};
}

/** The labels out of `{{json .Config.Labels}}`: string values only, at most 64 of them; anything else is no labels. */
function labelsOf(json: string): Record<string, string> {
	let parsed: unknown;
	try {
		parsed = JSON.parse(json);
	} catch {
		return {};
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
	const entries = Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
	return Object.fromEntries(entries.slice(0, 64));
}

/** A username that can go into an image name and a LABEL as it is. */
const plainAuthor = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** An author label as registry-lab writes it (a plain username, at most 64 characters); an image's labels are anyone's text. */
export function isPlainAuthor(value: string): boolean {
	return value.length <= 64 && plainAuthor.test(value);
}

/**
 * The starter image's name for its author: one per author (registry-lab-starter-alice:1.0), so each author's is made
 * once and reused, and one student's never takes the place of another's on a shared computer.
 */
export function starterImageFor(author: string): string {
	const name = author.trim().toLowerCase();
	const reference = `registry-lab-starter-${name}:1.0`;
	return plainAuthor.test(name) && parseReference(reference).valid ? reference : 'registry-lab-starter:1.0';
}

/** The starter image's one file: the same bytes every time, so a starter made again has the same layer. */
const starterText = 'Hello from registry-lab!\nThis image was made on this computer to practise pushing and pulling.\n';

/** The starter image's content: a tar of the same bytes every time (see tarOf). */
export function starterTar(): Buffer {
	return tarOf([{name: 'hello.txt', content: Buffer.from(starterText)}]);
}

/**
 * A tiny image offline: one text file, imported from a tar that we write ourselves, so it works with no network and no
 * Dockerfile. It carries labels naming its author and a random token, so the pull step can tell a classmate's image
 * from the student's own. Made once: an image of that name already here with the same author is used as it is,
 * because each import gets a new image id (a new token, and the engine stamps it with the time of the import), which
 * would move the name away from the image that tags made from it (an earlier run's) point at.
 */
export async function makeStarterImage(engine: Engine, author: string, options: RunOptions & {readonly reference?: string} = {}): Promise<Answer<string>> {
	const reference = options.reference ?? starterImageFor(author);
	const name = author.trim().toLowerCase();
	const here = await imageFacts(engine, reference, options);
	if (here.ok && (here.value.labels[authorLabel] ?? '') === (plainAuthor.test(name) ? name : '')) return {ok: true, value: reference};
	const labels = {...(plainAuthor.test(name) ? {[authorLabel]: name} : {}), [tokenLabel]: randomBytes(12).toString('hex')};
	const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-starter-'));
	try {
		const file = path.join(dir, 'starter.tar');
		await writeFile(file, starterTar());
		const result = await runCommand(engineCommand(engine, importArgs(file, reference, labels), {timeoutMs: 60_000}), {signal: options.signal});
		if (result.exitCode !== 0) return {ok: false, output: joinOutput(result), ...(result.spawnError ? {spawnError: result.spawnError} : {})};
		return {ok: true, value: reference};
	} finally {
		await rm(dir, {recursive: true, force: true});
	}
}

export function joinOutput(result: {stdout: string; stderr: string}): string {
	return [result.stdout, result.stderr].filter(text => text.trim().length > 0).join('\n');
}

/** Every file's time in tarOf's archives, 2024-01-01 00:00 UTC: the same files make the same bytes. */
const fixedMtime = Date.UTC(2024, 0, 1) / 1000;

/** A minimal ustar archive of regular files, owned by uid and gid 0 with no owner names, all with one fixed time: reproducible. */
export function tarOf(files: readonly {name: string; content: Buffer; mode?: number}[]): Buffer {
	const blocks: Buffer[] = [];
	const mtime = fixedMtime;
	for (const file of files) {
		const header = Buffer.alloc(512);
		header.write(file.name, 0, 100, 'utf8');
		header.write(octal(file.mode ?? 0o644, 8), 100);
		header.write(octal(0, 8), 108);
		header.write(octal(0, 8), 116);
		header.write(octal(file.content.length, 12), 124);
		header.write(octal(mtime, 12), 136);
		header.write('        ', 148); // checksum is computed with spaces here
		header.write('0', 156);
		header.write('ustar\u000000', 257);
		let sum = 0;
		for (const byte of header) sum += byte;
		header.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148);
		blocks.push(header, file.content, Buffer.alloc((512 - (file.content.length % 512)) % 512));
	}
	blocks.push(Buffer.alloc(1024));
	return Buffer.concat(blocks);
}

function octal(value: number, width: number): string {
	return `${value.toString(8).padStart(width - 1, '0')}\u0000`;
}

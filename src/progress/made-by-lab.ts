/**
 * What the lab made on this computer, so `registry-lab cleanup` removes exactly that and nothing
 * else: the tags it made (with the image id each pointed at), the images it pulled that were not
 * here before, the starter image, the logins it stored. `made-by-lab.json` beside the progress
 * file, private (0600), written whole (a temp file renamed into place, never through a link),
 * bounded, and checked when read: a file that does not pass is refused, never guessed at.
 */
import * as fs from 'node:fs';
import path from 'node:path';
import * as z from 'zod/mini';
import {useEnglishMessages} from '../lesson/zod-messages.js';
import {defaultProgressDir} from './store.js';

useEnglishMessages();

/** At most this many things are kept; the oldest go first (a lab that made more has long been cleaned up by hand). */
export const madeLimit = 200;
const maxFileBytes = 256 * 1024;
const text = z.string().check(z.minLength(1), z.maxLength(512));
const engineName = z.enum(['docker', 'podman']);

const madeSchema = z.discriminatedUnion('kind', [
	/** `tag SRC TARGET`: TARGET, and the image id it pointed at then. */
	z.object({kind: z.literal('tag'), engine: engineName, reference: text, imageId: text, at: text}),
	/** `pull REF` of an image that was not on this computer before. */
	z.object({kind: z.literal('pull'), engine: engineName, reference: text, imageId: text, at: text}),
	/** The starter image, when the lab made it (it was not here before). */
	z.object({kind: z.literal('starter'), engine: engineName, reference: text, imageId: text, at: text}),
	/**
	 * `login HOST`; `replaced`: a login to HOST that the lab did not make was there before, and this one
	 * took its place. `store` and `configPath`: where the engine kept it, as it said right after.
	 */
	z.object({
		kind: z.literal('login'),
		engine: engineName,
		registry: text,
		replaced: z.boolean(),
		at: text,
		store: z.optional(z.union([z.object({kind: z.literal('file')}), z.object({kind: z.literal('helper'), helper: text, program: text})])),
		configPath: z.optional(text),
	}),
]);
export type Made = z.infer<typeof madeSchema>;
const fileSchema = z.object({version: z.literal(1), made: z.array(madeSchema).check(z.maxLength(madeLimit))});

export const madeFileName = 'made-by-lab.json';

/** The folder of the progress file (REGISTRY_LAB_HOME, else the user's config folder), where the record lives too. */
export function labHome(env: NodeJS.ProcessEnv = process.env): string {
	return path.resolve(env.REGISTRY_LAB_HOME || defaultProgressDir(env));
}

export type MadeRead = {readonly kind: 'ok'; readonly made: readonly Made[]} | {readonly kind: 'missing'} | {readonly kind: 'unreadable'; readonly why: string};

/** The record as it is on disk. Never throws: a file that cannot be read or checked is 'unreadable', with why. */
export function readMade(dir: string = labHome()): MadeRead {
	const file = path.join(dir, madeFileName);
	let data: string;
	try {
		const stat = fs.lstatSync(file);
		if (stat.isSymbolicLink()) return {kind: 'unreadable', why: `${file} is a symbolic link, which registry-lab does not follow`};
		if (!stat.isFile()) return {kind: 'unreadable', why: `${file} is not a file`};
		if (stat.size > maxFileBytes) return {kind: 'unreadable', why: `${file} is larger than registry-lab ever writes it (${stat.size} bytes)`};
		data = fs.readFileSync(file, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT' || code === 'ENOTDIR') return {kind: 'missing'};
		return {kind: 'unreadable', why: `${file} could not be read (${code ?? String(error)})`};
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(data);
	} catch {
		return {kind: 'unreadable', why: `${file} is not valid JSON`};
	}
	const checked = fileSchema.safeParse(parsed);
	if (!checked.success) {
		const where = checked.error.issues[0]?.path.join('.');
		return {kind: 'unreadable', why: `${file} has unexpected contents${where ? ` at ${where}` : ''}`};
	}
	return {kind: 'ok', made: checked.data.made};
}

/** Two records of the same thing: the later replaces the earlier (a tag made again points at the new image). */
function sameThing(a: Made, b: Made): boolean {
	if (a.kind !== b.kind || a.engine !== b.engine) return false;
	return a.kind === 'login' ? a.registry === (b as typeof a).registry : a.reference === (b as Exclude<Made, {kind: 'login'}>).reference;
}

/**
 * Add one thing the lab made. A login to a host the lab already logged in to keeps `replaced` of
 * the first record: the login it replaced then may have been someone else's, this time it was the lab's own.
 * Throws when the file cannot be written; a record that cannot be read is left as it is (cleanup
 * says so) and the thing is not recorded.
 */
export function recordMade(thing: Made, dir: string = labHome()): void {
	const read = readMade(dir);
	if (read.kind === 'unreadable') throw new Error(`${read.why}; it was left as it is`);
	const before = read.kind === 'ok' ? read.made : [];
	const earlier = before.find(other => sameThing(other, thing));
	// The login it replaces now is the lab's own: whether the first one replaced someone's is what counts.
	const kept = thing.kind === 'login' && earlier?.kind === 'login' ? {...thing, replaced: earlier.replaced} : thing;
	writeMade([...before.filter(other => !sameThing(other, thing)), kept].slice(-madeLimit), dir);
}

/** Write the whole record (an empty list removes the file). */
export function writeMade(made: readonly Made[], dir: string = labHome()): void {
	const file = path.join(dir, madeFileName);
	if (made.length === 0) {
		removeMadeFile(dir);
		return;
	}
	fs.mkdirSync(dir, {recursive: true, mode: 0o700});
	const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
	try {
		const fd = fs.openSync(temp, 'wx', 0o600);
		try {
			fs.writeSync(fd, `${JSON.stringify({version: 1, made}, null, '\t')}\n`);
			fs.fsyncSync(fd);
		} finally {
			fs.closeSync(fd);
		}
		if (fs.lstatSync(file, {throwIfNoEntry: false})?.isSymbolicLink()) throw new Error(`${file} is a symbolic link`);
		fs.renameSync(temp, file);
	} catch (error) {
		fs.rmSync(temp, {force: true});
		throw error;
	}
}

export function removeMadeFile(dir: string = labHome()): void {
	fs.rmSync(path.join(dir, madeFileName), {force: true});
}

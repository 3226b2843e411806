/**
 * The completion code: what `registry-lab verify` prints when every step of a class or Docker Hub run passes, and
 * what `registry-lab class check` reads back. It carries a claim (this user pushed this digest to this reference,
 * and pulled that image at that time) in a form made for typing into a form: Crockford's base32 (no I, L, O or U;
 * case does not matter; I and L read as 1, O as 0), groups of five joined by '-', a version prefix (`RL1-`) and a
 * CRC-32 over the rest, so one changed character or two swapped neighbours are caught.
 *
 * The checksum is not a secret, and nothing here proves anything: a secret on the student's computer would be the
 * student's to read. The proof is the class's registry and event log, which `class check` asks.
 */

/** What a code says. `username` is the namespace of the pushed reference (the lesson's namespace check proved it the student's). */
export type CompletionClaim = {
	/** The lesson's id. */
	readonly lesson: string;
	/** The registry as the run used it: host[:port] as typed, `docker.io` for Docker Hub. */
	readonly registry: string;
	readonly username: string;
	/** The reference the lesson's manifest check found in the registry. */
	readonly pushed: string;
	/** Its digest, shortened: `sha256:` and the first 12 hex digits. */
	readonly digest: string;
	/** The image the classmate-image check found on this computer after the pull, when the lesson has that check. */
	readonly pulled?: string;
	/** When the pull step passed (ISO 8601, to the minute). */
	readonly pulledAt?: string;
};

export type ClaimInput = Omit<CompletionClaim, 'username'>;

export type DecodedCode = {readonly ok: true; readonly claim: CompletionClaim} | {readonly ok: false; readonly reason: string};

export const codeVersion = 1;
export const codePrefix = `RL${codeVersion}`;
/** Hex digits of the digest a code keeps: enough to tell one push from another, short enough to type. */
export const digestDigits = 12;
/** Longer input is not a code (a real one is about 100 characters). */
const maxCodeLength = 400;
const groupSize = 5;
const checkDigits = 7;

export const codeReasons = {
	checksum: 'a character was changed or mistyped (the checksum does not match)',
	notACode: 'not a registry-lab completion code',
	newer: 'made by a newer registry-lab (update registry-lab to check it)',
} as const;

const base32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Symbol 0 ends a field; then the characters a reference, host, lesson id, digest or time may hold; then "next letter is a capital". */
const symbols = '\u0000abcdefghijklmnopqrstuvwxyz0123456789._-/:@[]';
const shift = symbols.length;
const radix = BigInt(symbols.length + 1);
const hubName = 'docker.io';

/** The code for a claim. Throws a RangeError for a claim no check could have proved (a character no reference holds). */
export function encodeCompletionCode(claim: ClaimInput): string {
	const fields = [
		claim.registry === hubName ? '' : claim.registry,
		claim.lesson,
		relative(claim.pushed, claim.registry),
		shortDigest(claim.digest),
		claim.pulled ? pulledField(claim.pulled, claim.pushed, claim.registry) : '',
		claim.pulledAt ? minutesOf(claim.pulledAt) : '',
	];
	let value = 1n;
	const put = (symbol: number): void => {
		value = value * radix + BigInt(symbol);
	};
	for (const [index, field] of fields.entries()) {
		if (index > 0) put(0);
		for (const character of field) {
			const lower = character.toLowerCase();
			const symbol = symbols.indexOf(lower);
			if (symbol <= 0) throw new RangeError(`A completion code cannot carry the character ${JSON.stringify(character)}.`);
			if (lower !== character) put(shift);
			put(symbol);
		}
	}
	let data = '';
	for (; value > 0n; value /= 32n) data = base32[Number(value % 32n)]! + data;
	const body = data + checkOf(data);
	const groups: string[] = [];
	for (let start = 0; start < body.length; start += groupSize) groups.push(body.slice(start, start + groupSize));
	return [codePrefix, ...groups].join('-');
}

/** What a code says, or why it is not one: a changed character, not a code at all, or a newer version's. */
export function decodeCompletionCode(text: string): DecodedCode {
	const refused = (reason: string): DecodedCode => ({ok: false, reason});
	if (text.length > maxCodeLength) return refused(codeReasons.notACode);
	const upper = text.trim().toUpperCase();
	// The version ends at the first dash or space: the body may start with digits.
	const prefix = /^RL(\d{1,3})(?:[\s-]|$)/.exec(upper);
	if (!prefix) return refused(codeReasons.notACode);
	const version = Number(prefix[1]);
	if (version > codeVersion) return refused(codeReasons.newer);
	if (version !== codeVersion) return refused(codeReasons.notACode);
	let body = '';
	for (const character of upper.slice(prefix[0].length).replaceAll(/[\s-]/g, '')) {
		const read = character === 'O' ? '0' : character === 'I' || character === 'L' ? '1' : character;
		if (!base32.includes(read)) return refused(codeReasons.checksum);
		body += read;
	}
	if (body.length <= checkDigits) return refused(codeReasons.notACode);
	const data = body.slice(0, -checkDigits);
	if (body.slice(-checkDigits) !== checkOf(data)) return refused(codeReasons.checksum);

	let value = 0n;
	for (const character of data) value = value * 32n + BigInt(base32.indexOf(character));
	const read: number[] = [];
	for (; value > 1n; value /= radix) read.push(Number(value % radix));
	if (value !== 1n) return refused(codeReasons.notACode);
	const fields = [''];
	let capital = false;
	for (const symbol of read.reverse()) {
		if (symbol === shift) {
			capital = true;
			continue;
		}
		if (symbol === 0) fields.push('');
		else fields[fields.length - 1] += capital ? symbols[symbol]!.toUpperCase() : symbols[symbol]!;
		capital = false;
	}
	const claim = claimOf(fields);
	return claim ? {ok: true, claim} : refused(codeReasons.notACode);
}

function claimOf(fields: readonly string[]): CompletionClaim | undefined {
	if (fields.length !== 6) return undefined;
	const [registryField, lesson, pushedField, digestField, pulledField, timeField] = fields as [string, string, string, string, string, string];
	const registry = registryField || hubName;
	if (!/^[a-z0-9][a-z0-9-]*$/.test(lesson) || !/^(?:[a-z0-9]+:)?[0-9a-f]{12}$/.test(digestField)) return undefined;
	const pushed = absolute(pushedField, registry);
	const username = namespaceOf(pushedField);
	if (!username || pushed === undefined) return undefined;
	const digest = digestField.includes(':') ? digestField : `sha256:${digestField}`;
	let pulled: string | undefined;
	if (pulledField.startsWith(':')) {
		const owner = pulledField.slice(1);
		const rest = pushedField.slice(pushedField.indexOf('/'));
		if (!/^[a-z0-9][a-z0-9._-]*$/.test(owner)) return undefined;
		pulled = absolute(owner + rest, registry);
	} else if (pulledField) pulled = absolute(pulledField, registry);
	if (pulledField && pulled === undefined) return undefined;
	let pulledAt: string | undefined;
	if (timeField) {
		if (!/^[0-9a-z]{1,8}$/.test(timeField)) return undefined;
		pulledAt = new Date(Number.parseInt(timeField, 36) * 60_000).toISOString();
	}
	return {lesson, registry, username, pushed, digest, ...(pulled ? {pulled} : {}), ...(pulledAt ? {pulledAt} : {})};
}

/** The first 12 hex digits of a digest; an algorithm other than sha256 is kept in front. */
function shortDigest(digest: string): string {
	const [algorithm, hex = ''] = digest.includes(':') ? digest.split(':', 2) : ['sha256', digest];
	const short = hex.slice(0, digestDigits).toLowerCase();
	if (!/^[0-9a-f]{12}$/.test(short)) throw new RangeError(`A completion code needs a digest of hex digits, not ${JSON.stringify(digest)}.`);
	return algorithm === 'sha256' ? short : `${algorithm}:${short}`;
}

function minutesOf(iso: string): string {
	const time = Date.parse(iso);
	if (!Number.isFinite(time) || time < 0) throw new RangeError(`A completion code needs a time, not ${JSON.stringify(iso)}.`);
	return Math.floor(time / 60_000).toString(36);
}

/** Whether a reference names its registry: its first component has '.' or ':', is localhost, or has capitals (as docker reads it). */
function hasDomain(reference: string): boolean {
	const slash = reference.indexOf('/');
	if (slash < 0) return false;
	const first = reference.slice(0, slash);
	return first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase();
}

/** A reference on the code's registry without the registry's name; one from elsewhere keeps its own (Docker Hub's spelled out). */
function relative(reference: string, registry: string): string {
	if (registry !== hubName && reference.toLowerCase().startsWith(`${registry.toLowerCase()}/`)) return reference.slice(registry.length + 1);
	if (registry === hubName && reference.startsWith(`${hubName}/`)) return reference.slice(hubName.length + 1);
	if (registry !== hubName && !hasDomain(reference)) return `${hubName}/${reference}`;
	return reference;
}

function absolute(field: string, registry: string): string | undefined {
	if (!field.includes('/') && registry !== hubName) return undefined;
	if (hasDomain(field) || registry === hubName) return field;
	return `${registry}/${field}`;
}

/** `:OWNER` when the pulled image has the pushed one's repository and tag under another namespace (the usual exchange). */
function pulledField(pulled: string, pushed: string, registry: string): string {
	const mine = relative(pushed, registry);
	const theirs = relative(pulled, registry);
	const mineRest = mine.slice(mine.indexOf('/'));
	const slash = theirs.indexOf('/');
	if (slash > 0 && !hasDomain(mine) && !hasDomain(theirs) && theirs.slice(slash) === mineRest) return `:${theirs.slice(0, slash)}`;
	return theirs;
}

function namespaceOf(field: string): string | undefined {
	const path = hasDomain(field) ? field.slice(field.indexOf('/') + 1) : field;
	const slash = path.indexOf('/');
	return slash > 0 ? path.slice(0, slash) : undefined;
}

function checkOf(data: string): string {
	let crc = crc32(`${codePrefix}${data}`);
	let text = '';
	for (let digit = 0; digit < checkDigits; digit++, crc = Math.floor(crc / 32)) text = base32[crc % 32]! + text;
	return text;
}

let table: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, as zip and PNG use) of ASCII text. */
export function crc32(text: string): number {
	if (!table) {
		table = new Uint32Array(256);
		for (let n = 0; n < 256; n++) {
			let c = n;
			for (let bit = 0; bit < 8; bit++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
			table[n] = c >>> 0;
		}
	}
	let crc = 0xffffffff;
	for (let index = 0; index < text.length; index++) crc = table[(crc ^ text.charCodeAt(index)) & 0xff]! ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}

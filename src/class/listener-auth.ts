/**
 * Who may talk to the class listener, and how often: the class htpasswd (read again when it changes,
 * so `class add` and `class password` count at once), report tokens (only their SHA-256 is kept),
 * the registry's shared secret, and token buckets for rate limits.
 */
import {createHash, randomBytes, timingSafeEqual} from 'node:crypto';
import {readFile, stat} from 'node:fs/promises';
import bcrypt from 'bcryptjs';

/** A report token: 32 random bytes, base64url (43 characters). */
export function newReportToken(): string {
	return randomBytes(32).toString('base64url');
}

export function tokenHash(token: string): string {
	return createHash('sha256').update(token, 'utf8').digest('hex');
}

export const reportTokenPattern = /^[A-Za-z0-9_-]{43}$/;

/** Whether `given` is the secret, in a time that does not depend on where they differ (both hashed first: equal lengths). */
export function sameSecret(given: string, secret: string): boolean {
	const a = createHash('sha256').update(given, 'utf8').digest();
	const b = createHash('sha256').update(secret, 'utf8').digest();
	return timingSafeEqual(a, b);
}

export type Credentials =
	| {readonly kind: 'basic'; readonly username: string; readonly password: string}
	| {readonly kind: 'bearer'; readonly token: string}
	| {readonly kind: 'none'}
	| {readonly kind: 'malformed'};

/** The Authorization header, read: Basic base64(user:password) or Bearer TOKEN. */
export function readAuthorization(header: string | undefined): Credentials {
	if (header === undefined || header === '') return {kind: 'none'};
	const match = /^(Basic|Bearer) +([^\s]{1,1024})$/i.exec(header);
	if (!match) return {kind: 'malformed'};
	const [, scheme, value] = match as unknown as [string, string, string];
	if (scheme.toLowerCase() === 'bearer') return {kind: 'bearer', token: value};
	if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return {kind: 'malformed'};
	const decoded = Buffer.from(value, 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon <= 0) return {kind: 'malformed'};
	return {kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1)};
}

/** A hash of a random password, compared against for an unknown account so its answer takes as long as a known one's. */
let noSuchAccount: string | undefined;
const unknownAccountHash = (): string => (noSuchAccount ??= bcrypt.hashSync(randomBytes(18).toString('base64url'), 5));

/**
 * The class htpasswd, read again whenever its size or modification time changes. Requests that arrive
 * together share one look at the file (a class's burst of reports costs one stat, not one each).
 */
export class Htpasswd {
	private cached: {key: string; users: Map<string, string>} | undefined;
	private looking: Promise<Map<string, string>> | undefined;
	constructor(private readonly file: string) {}

	users(): Promise<Map<string, string>> {
		this.looking ??= this.look().finally(() => (this.looking = undefined));
		return this.looking;
	}

	private async look(): Promise<Map<string, string>> {
		let key: string;
		try {
			const info = await stat(this.file);
			key = `${info.size}:${info.mtimeMs}`;
		} catch {
			return new Map();
		}
		if (this.cached?.key === key) return this.cached.users;
		let text: string;
		try {
			text = await readFile(this.file, 'utf8');
		} catch {
			return new Map();
		}
		const users = new Map<string, string>();
		for (const line of text.split(/\r?\n/)) {
			const colon = line.indexOf(':');
			if (colon > 0) users.set(line.slice(0, colon), line.slice(colon + 1).trim());
		}
		this.cached = {key, users};
		return users;
	}

	async has(username: string): Promise<boolean> {
		return (await this.users()).has(username);
	}

	/** Whether the password is the account's: bcrypt's async compare, so the listener answers others meanwhile. */
	async check(username: string, password: string): Promise<boolean> {
		const hash = (await this.users()).get(username);
		if (password.length === 0 || password.length > 256) return false;
		try {
			const matches = await bcrypt.compare(password, hash ?? unknownAccountHash());
			return matches && hash !== undefined;
		} catch {
			return false;
		}
	}
}

/** A token bucket: `burst` at most, refilled at `perSecond`. */
export type BucketSpec = {readonly burst: number; readonly perSecond: number};

/** Token buckets by key (an account, an address); full buckets are forgotten when there are many. */
export class RateLimiter {
	private readonly buckets = new Map<string, {tokens: number; at: number}>();
	constructor(
		private readonly spec: BucketSpec,
		private readonly now: () => number,
	) {}

	private level(key: string): {tokens: number; at: number} {
		const time = this.now();
		const bucket = this.buckets.get(key) ?? {tokens: this.spec.burst, at: time};
		bucket.tokens = Math.min(this.spec.burst, bucket.tokens + ((time - bucket.at) / 1000) * this.spec.perSecond);
		bucket.at = time;
		return bucket;
	}

	/** Take one; 0 when taken, else the seconds until one is there. */
	take(key: string): number {
		const bucket = this.level(key);
		if (bucket.tokens >= 1) {
			bucket.tokens -= 1;
			this.buckets.set(key, bucket);
			this.forget();
			return 0;
		}
		this.buckets.set(key, bucket);
		return Math.max(1, Math.ceil((1 - bucket.tokens) / this.spec.perSecond));
	}

	/** Give one back (an attempt that turned out not to count). */
	giveBack(key: string): void {
		const bucket = this.level(key);
		bucket.tokens = Math.min(this.spec.burst, bucket.tokens + 1);
		this.buckets.set(key, bucket);
	}

	private forget(): void {
		if (this.buckets.size < 10_000) return;
		for (const [key] of this.buckets) if (this.level(key).tokens >= this.spec.burst) this.buckets.delete(key);
	}
}

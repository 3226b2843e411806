/**
 * How the registry client logs in, as docker does: read the WWW-Authenticate challenge of a 401,
 * then send Basic credentials, or get a Bearer token from the token service the challenge names
 * (kept per scope until shortly before it expires), and retry once.
 */
import {clampSeconds, isRecord, parseJson} from './http-util.js';
import {statusFailure, type RegistryFailure, type Reply} from './registry-failure.js';

/** A username and password for the registry HTTP API. Never shown, logged or saved by the lab. */
export type RegistryCredentials = {readonly username: string; readonly password: string};

export type Challenge = {readonly scheme: 'basic'} | {readonly scheme: 'bearer'; readonly realm: string; readonly service?: string; readonly error?: string};
export type AuthHeader = {readonly ok: true; readonly header: Record<string, string>; readonly credentialsSent: boolean; readonly freshToken: boolean};
export type Method = 'GET' | 'HEAD' | 'DELETE';
/** One request without auth handling: the client's, with its timeout and failures. */
export type Requester = (url: URL, method: Method, headers: Record<string, string>) => Promise<Reply | RegistryFailure>;

export type RegistryAuth = {
	/** `Basic base64(user:password)`, when there are credentials. */
	readonly basicHeader: string | undefined;
	/** The username quoted for messages, or '' without credentials. */
	readonly user: string;
	/** What the registry last said about logging in: undefined before it was asked, 'none' when it wants no login. */
	challenge(): Challenge | 'none' | undefined;
	learn(challenge: Challenge | 'none'): void;
	/** The Authorization header for what is known of the registry's auth; a cached token unless `fresh`. */
	authorization(scope: string | undefined, fresh: boolean): Promise<AuthHeader | RegistryFailure>;
	/** A request with auth: on a 401 learn the challenge, get credentials or a token, and retry once. */
	authed(url: URL, method: Method, scope: string | undefined, headers?: Record<string, string>): Promise<{reply: Reply; auth: AuthHeader} | RegistryFailure>;
};

export type AuthOptions = {
	readonly credentials: RegistryCredentials | undefined;
	/** The registry's base URL, for a token service given as a relative address. */
	readonly base: string;
	/** 'Docker Hub' or the host, for messages. */
	readonly title: string;
	readonly request: Requester;
};

/** A token is used until this many seconds before it expires. */
const tokenMarginSeconds = 10;
/** The token spec's default lifetime when the token service gives none. */
const defaultTokenSeconds = 60;

export function createRegistryAuth({credentials, base, title, request}: AuthOptions): RegistryAuth {
	const basicHeader = credentials ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` : undefined;
	const user = credentials ? JSON.stringify(credentials.username) : '';
	const registryHost = new URL(base).host;
	let challenge: Challenge | 'none' | undefined;
	const tokens = new Map<string, {token: string; expiresAt: number}>();

	const tokenKey = (c: {realm: string; service?: string}, scope: string | undefined) => `${c.realm}\n${c.service ?? ''}\n${scope ?? ''}`;

	/** GET realm?service=S&scope=SCOPE, Basic-authenticated when there are credentials. */
	const fetchToken = async (c: Extract<Challenge, {scheme: 'bearer'}>, scope: string | undefined): Promise<{ok: true; token: string} | RegistryFailure> => {
		let url: URL;
		try {
			url = new URL(c.realm, base);
		} catch {
			return {ok: false, reason: 'http-error', message: `${title} sent a sign-in address that is not a URL (${JSON.stringify(c.realm)}).`};
		}
		if (c.service !== undefined) url.searchParams.set('service', c.service);
		if (scope !== undefined) url.searchParams.set('scope', scope);
		// The password may go to the registry's own host, or to another one only over HTTPS: a realm elsewhere in plain HTTP
		// would let anyone on the way read it.
		if (basicHeader && url.protocol !== 'https:' && url.host !== registryHost) {
			return {
				ok: false,
				reason: 'http-error',
				code: 'INSECURE_REALM',
				message:
					`${title} sends logins to another server, ${url.host}, over plain HTTP (not HTTPS), ` +
					'so the lab does not send your password there and cannot check this.',
			};
		}
		const reply = await request(url, 'GET', {Accept: 'application/json', ...(basicHeader ? {Authorization: basicHeader} : {})});
		if (!reply.ok) return reply;
		if (reply.status === 401 || reply.status === 403) {
			const failure = statusFailure(reply, title);
			return {
				...failure,
				reason: 'unauthorized',
				message: credentials
					? `${title} did not accept the username ${user} with that password ` +
						`(its sign-in service ${url.host} said ${reply.status}${failure.code ? ` ${failure.code}` : ''}). ` +
						'Check both; for Docker Hub, use a personal access token as the password.'
					: `${title}'s sign-in service ${url.host} refused an anonymous token: this needs a login.`,
			};
		}
		if (reply.status < 200 || reply.status >= 300) {
			const failure = statusFailure(reply, `${title}'s sign-in service (${url.host})`);
			return failure;
		}
		const json = parseJson(reply.body);
		const token = isRecord(json)
			? typeof json.token === 'string' && json.token
				? json.token
				: typeof json.access_token === 'string'
					? json.access_token
					: ''
			: '';
		if (!token) {
			return {ok: false, reason: 'http-error', status: reply.status, message: `${title}'s sign-in service (${url.host}) answered without a token.`};
		}
		// A lifetime past an hour (or a broken one) is not believed: asking again costs one request.
		const expiresIn = isRecord(json) && typeof json.expires_in === 'number' && json.expires_in > 0 ? clampSeconds(json.expires_in) : defaultTokenSeconds;
		tokens.set(tokenKey(c, scope), {token, expiresAt: Date.now() + Math.max(0, expiresIn - tokenMarginSeconds) * 1000});
		return {ok: true, token};
	};

	const authorization = async (scope: string | undefined, fresh: boolean): Promise<AuthHeader | RegistryFailure> => {
		if (challenge === undefined || challenge === 'none') return {ok: true, header: {}, credentialsSent: false, freshToken: false};
		if (challenge.scheme === 'basic') {
			return basicHeader
				? {ok: true, header: {Authorization: basicHeader}, credentialsSent: true, freshToken: false}
				: {ok: true, header: {}, credentialsSent: false, freshToken: false};
		}
		const key = tokenKey(challenge, scope);
		const cached = tokens.get(key);
		if (!fresh && cached && cached.expiresAt > Date.now()) {
			return {ok: true, header: {Authorization: `Bearer ${cached.token}`}, credentialsSent: credentials !== undefined, freshToken: false};
		}
		tokens.delete(key);
		const got = await fetchToken(challenge, scope);
		if (!got.ok) return got;
		return {ok: true, header: {Authorization: `Bearer ${got.token}`}, credentialsSent: credentials !== undefined, freshToken: true};
	};

	const authed = async (
		url: URL,
		method: Method,
		scope: string | undefined,
		headers: Record<string, string> = {},
	): Promise<{reply: Reply; auth: AuthHeader} | RegistryFailure> => {
		let auth = await authorization(scope, false);
		if (!auth.ok) return auth;
		const first = await request(url, method, {...headers, ...auth.header});
		if (!first.ok || first.status !== 401) return first.ok ? {reply: first, auth} : first;
		const learned = parseChallenge(first.headers.get('www-authenticate'));
		if (!learned) return {reply: first, auth};
		const before = challenge;
		challenge = learned;
		const sameScheme = typeof before === 'object' && before.scheme === learned.scheme;
		// Retrying cannot help when the same credentials (or a token fresh from the service) were just refused.
		if (sameScheme && (learned.scheme === 'basic' ? auth.credentialsSent || !basicHeader : auth.freshToken)) return {reply: first, auth};
		if (learned.scheme === 'basic' && !basicHeader) return {reply: first, auth};
		auth = await authorization(scope, true);
		if (!auth.ok) return auth;
		const second = await request(url, method, {...headers, ...auth.header});
		return second.ok ? {reply: second, auth} : second;
	};

	return {
		basicHeader,
		user,
		challenge: () => challenge,
		learn(learned) {
			challenge = learned;
		},
		authorization,
		authed,
	};
}

/** `Bearer realm="...",service="...",scope="..."` or `Basic realm="..."`. */
export function parseChallenge(header: string | null): Challenge | undefined {
	if (!header) return undefined;
	const match = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(header);
	if (!match) return undefined;
	const schemeName = (match[1] ?? '').toLowerCase();
	const params: Record<string, string> = {};
	for (const param of (match[2] ?? '').matchAll(/([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g)) {
		const name = (param[1] ?? '').toLowerCase();
		if (!(name in params)) params[name] = param[2] !== undefined ? param[2].replace(/\\(.)/g, '$1') : (param[3] ?? '');
	}
	if (schemeName === 'basic') return {scheme: 'basic'};
	if (schemeName === 'bearer' && params.realm) {
		return {
			scheme: 'bearer',
			realm: params.realm,
			...(params.service !== undefined ? {service: params.service} : {}),
			...(params.error ? {error: params.error} : {}),
		};
	}
	return undefined;
}

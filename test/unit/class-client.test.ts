import {afterEach, describe, expect, it} from 'vitest';
import {classInfoOf, createReportSender, fetchClassInfo, reportPoster, type PostResult, type SenderOptions} from '../../src/class/class-client.js';
import type {Report} from '../../src/class/class-types.js';
import {generateJoinCode} from '../../src/class/class-folder.js';
import {classReports, joinAgainNotice, joinCodeRefusedNotice, outcomesOf, sharingNotice} from '../../src/driver/class-reports.js';
import {joinCodeAlphabet, joinCodeOf} from '../../src/driver/join-code.js';
import {passwordAlphabet} from '../../src/registry/htpasswd.js';
import {reduce, startRun, type RunState} from '../../src/lesson-run/lesson-run.js';
import {closedOrigin, closeServers, serveHttp} from '../helpers/http-server.js';
import {registryLesson} from '../helpers/lesson.js';

afterEach(() => closeServers());

const password = 'student-pass-1234';
const token = 'tok-0123456789abcdef-0123456789abcdef';

/** A sender over a fake post, with timers the test fires by hand. */
function harness(answers: PostResult[], options: Partial<SenderOptions> = {}) {
	const posts: {reports: readonly Report[]; authorization: string}[] = [];
	const timers: {run: () => void; ms: number}[] = [];
	const tokens: (string | undefined)[] = [];
	let unreachable = 0;
	let id = 0;
	let answered = Promise.resolve();
	const sender = createReportSender({
		post: async (reports, authorization) => {
			posts.push({reports, authorization});
			return answers.shift() ?? {kind: 'accepted'};
		},
		onToken: next => tokens.push(next),
		onUnreachable: () => (unreachable += 1),
		setTimer: (run, ms) => {
			const timer = {run, ms};
			timers.push(timer);
			return timer;
		},
		clearTimer: timer => {
			const at = timers.indexOf(timer as never);
			if (at >= 0) timers.splice(at, 1);
		},
		newId: () => `r${++id}`,
		now: () => new Date('2025-01-01T10:00:00Z'),
		...options,
	});
	/** Let every post under way finish. */
	const settle = async (): Promise<void> => {
		for (let i = 0; i < 20; i++) await (answered = answered.then(() => new Promise(resolve => setImmediate(resolve))));
	};
	return {sender, posts, timers, tokens, unreachable: () => unreachable, settle};
}

const report = (step: string, outcome: Report['outcome'] = 'pass') => ({lesson: 'registries', step, outcome});

describe('the report queue', () => {
	it('keeps reports until the login passes, sends them with Basic once, then with the token it got', async () => {
		const h = harness([{kind: 'accepted', token}]);
		h.sender.add(report('what-is-a-registry'));
		h.sender.add(report('account'));
		await h.settle();
		expect(h.posts).toEqual([]);
		expect(h.sender.authorized).toBe(false);

		h.sender.add(report('login'));
		h.sender.loginPassed({username: 'student', password});
		await h.settle();
		expect(h.posts).toHaveLength(1);
		expect(h.posts[0]!.authorization).toBe(`Basic ${Buffer.from(`student:${password}`).toString('base64')}`);
		expect(h.posts[0]!.reports.map(sent => sent.step)).toEqual(['what-is-a-registry', 'account', 'login']);
		expect(h.posts[0]!.reports[0]).toEqual({id: 'r1', at: '2025-01-01T10:00:00.000Z', lesson: 'registries', step: 'what-is-a-registry', outcome: 'pass'});
		expect(h.tokens).toEqual([token]);

		h.sender.add({...report('push', 'fail'), cause: 'push-denied'});
		await h.settle();
		expect(h.posts[1]).toEqual({
			authorization: `Bearer ${token}`,
			reports: [{id: 'r4', at: '2025-01-01T10:00:00.000Z', lesson: 'registries', step: 'push', outcome: 'fail', cause: 'push-denied'}],
		});
		// The password went in one header of one post, and nowhere else.
		expect(JSON.stringify(h.posts).split(Buffer.from(`student:${password}`).toString('base64'))).toHaveLength(2);
		expect(JSON.stringify(h.posts)).not.toContain(password);
		expect(h.sender.pending()).toEqual([]);
	});

	it('a kept token is used at once, and a login does not send the password again', async () => {
		const h = harness([], {token});
		h.sender.add(report('tag'));
		h.sender.loginPassed({username: 'student', password});
		await h.settle();
		expect(h.posts.map(post => post.authorization)).toEqual([`Bearer ${token}`]);
	});

	it('sends at most 50 reports a post, in order', async () => {
		const h = harness([{kind: 'accepted', token}]);
		for (let i = 0; i < 120; i++) h.sender.add(report(`s${i}`));
		h.sender.loginPassed({username: 'student', password});
		await h.settle();
		expect(h.posts.map(post => post.reports.length)).toEqual([50, 50, 20]);
		expect(h.posts.flatMap(post => post.reports.map(sent => sent.step))).toEqual(Array.from({length: 120}, (_, i) => `s${i}`));
		expect(h.posts.map(post => post.authorization.split(' ')[0])).toEqual(['Basic', 'Bearer', 'Bearer']);
	});

	it('a refused token is forgotten: reports wait for the next login, which sends Basic again', async () => {
		const h = harness([{kind: 'refused'}, {kind: 'accepted', token: `${token}-2`}], {token});
		h.sender.add(report('push'));
		await h.settle();
		expect(h.tokens).toEqual([undefined]);
		expect(h.sender.authorized).toBe(false);
		expect(h.sender.pending().map(sent => sent.step)).toEqual(['push']);
		h.sender.add(report('see-it'));
		await h.settle();
		expect(h.posts).toHaveLength(1);

		h.sender.loginPassed({username: 'student', password});
		await h.settle();
		expect(h.posts[1]!.authorization).toMatch(/^Basic /);
		expect(h.posts[1]!.reports.map(sent => sent.step)).toEqual(['push', 'see-it']);
		expect(h.tokens).toEqual([undefined, `${token}-2`]);
	});

	it('refused credentials are dropped, never sent twice, and said to the lab once', async () => {
		const refused: string[] = [];
		const h = harness([{kind: 'refused'}], {onRefused: what => refused.push(what)});
		h.sender.add(report('login'));
		h.sender.loginPassed({username: 'student', password: 'wrong'});
		await h.settle();
		h.sender.add(report('tag'));
		await h.settle();
		expect(h.posts).toHaveLength(1);
		expect(h.sender.pending()).toHaveLength(2);
		expect(refused).toEqual(['credentials']);
	});

	it('a listener out of reach is said once; the reports are tried again after 5 s, then 15 s, and go when it answers', async () => {
		const h = harness([
			{kind: 'later', unreachable: true},
			{kind: 'later', unreachable: true},
			{kind: 'accepted', token},
		]);
		h.sender.add(report('login'));
		h.sender.loginPassed({username: 'student', password});
		await h.settle();
		expect(h.unreachable()).toBe(1);
		expect(h.timers.map(timer => timer.ms)).toEqual([5000]);
		// Reports added while it waits join the queue, and nothing is posted before the wait is over.
		h.sender.add(report('choose-image'));
		await h.settle();
		expect(h.posts).toHaveLength(1);

		h.timers.shift()!.run();
		await h.settle();
		expect(h.unreachable()).toBe(1);
		expect(h.timers.map(timer => timer.ms)).toEqual([15_000]);
		h.timers.shift()!.run();
		await h.settle();
		expect(h.posts).toHaveLength(3);
		expect(h.posts[2]!.authorization).toMatch(/^Basic /);
		expect(h.posts[2]!.reports.map(sent => sent.step)).toEqual(['login', 'choose-image']);
		expect(h.sender.pending()).toEqual([]);
	});

	it('a batch the listener will never take (400) is dropped, not tried forever', async () => {
		const h = harness([{kind: 'rejected', status: 400}], {token});
		h.sender.add(report('tag'));
		await h.settle();
		expect(h.sender.pending()).toEqual([]);
		expect(h.timers).toEqual([]);
	});

	it('finish tries once more at once, then stops every timer', async () => {
		const h = harness([{kind: 'later', unreachable: true}, {kind: 'accepted'}], {token});
		h.sender.add(report('tag'));
		await h.settle();
		expect(h.timers.map(timer => timer.ms)).toEqual([5000]);
		const finished = h.sender.finish(2000);
		await h.settle();
		await finished;
		expect(h.posts).toHaveLength(2);
		expect(h.sender.pending()).toEqual([]);
		expect(h.timers).toEqual([]);
	});
});

describe('the listener over HTTP', () => {
	const info = {name: 'Class 3B', kind: 'registry', registry: '127.0.0.1:5000', lesson: 'registries', tls: false};

	it('GET /class gives the class, checked field by field', async () => {
		const served = await serveHttp((_request, response) => response.end(JSON.stringify(info)));
		expect(await fetchClassInfo(served.host)).toEqual({ok: true, info});
		expect(served.seen.map(seen => `${seen.method} ${seen.url.pathname}`)).toEqual(['GET /class']);
	});

	it('refuses an answer that is not a class', () => {
		// A newer listener may say more: what this lab knows is taken, the rest left out.
		expect(classInfoOf({...info, extra: 1})).toEqual(info);
		expect(classInfoOf({...info, name: 'a\u001B]0;x\u0007'})).toMatch(/no usable name/);
		expect(classInfoOf({...info, registry: 'http://x/y'})).toMatch(/no usable registry/);
		expect(classInfoOf({...info, kind: 'hub'})).toMatch(/no usable registry/);
		expect(classInfoOf({...info, kind: 'hub', registry: 'docker.io'})).toEqual({...info, kind: 'hub', registry: 'docker.io'});
		expect(classInfoOf({...info, lesson: '../etc'})).toMatch(/no usable lesson/);
		expect(classInfoOf({...info, tls: 'no'})).toMatch(/TLS/);
		expect(classInfoOf([info])).toMatch(/not a JSON object/);
	});

	it('a listener out of reach, a wrong status or an answer too large is not a class', async () => {
		expect(await fetchClassInfo((await closedOrigin()).replace('http://', ''))).toMatchObject({ok: false});
		const missing = await serveHttp((_request, response) => {
			response.statusCode = 404;
			response.end('{}');
		});
		expect(await fetchClassInfo(missing.host)).toEqual({ok: false, why: 'it answered HTTP 404'});
		const huge = await serveHttp((_request, response) => response.end(JSON.stringify({...info, name: 'x'.repeat(20_000)})));
		expect(await fetchClassInfo(huge.host)).toMatchObject({ok: false, why: expect.stringMatching(/larger than 16384 bytes/)});
	});

	it('POST /reports sends only the reports, the password only in the Authorization header of the Basic post', async () => {
		const bodies: string[] = [];
		const served = await serveHttp((request, response) => {
			let body = '';
			request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
			request.on('end', () => {
				bodies.push(body);
				response.setHeader('Content-Type', 'application/json');
				const basic = request.headers.authorization?.startsWith('Basic ');
				response.end(JSON.stringify({accepted: 1, ...(basic ? {token} : {})}));
			});
		});
		const post = reportPoster(served.host);
		const sent: Report = {id: 'a', lesson: 'registries', step: 'login', outcome: 'pass', at: '2025-01-01T10:00:00.000Z'};
		const basic = `Basic ${Buffer.from(`student:${password}`).toString('base64')}`;
		expect(await post([sent], basic)).toEqual({kind: 'accepted', token});
		expect(await post([{...sent, id: 'b'}], `Bearer ${token}`)).toEqual({kind: 'accepted'});
		expect(bodies.map(body => JSON.parse(body) as unknown)).toEqual([{reports: [sent]}, {reports: [{...sent, id: 'b'}]}]);
		expect(served.seen.map(seen => [seen.method, seen.url.pathname, seen.headers.authorization, seen.headers['content-type']])).toEqual([
			['POST', '/reports', basic, 'application/json'],
			['POST', '/reports', `Bearer ${token}`, 'application/json'],
		]);
		expect(bodies.join('')).not.toContain(password);
	});

	it('answers 401, 413 and 429 as refused, rejected and later (with Retry-After); nothing listening as later, unreachable', async () => {
		const statuses = [401, 413, 429];
		const served = await serveHttp((request, response) => {
			request.resume();
			const status = statuses.shift()!;
			response.statusCode = status;
			if (status === 429) response.setHeader('Retry-After', '7');
			response.end('{}');
		});
		const post = reportPoster(served.host);
		const one: Report[] = [{id: 'a', lesson: 'registries', step: 'tag', outcome: 'pass', at: 'x'}];
		expect(await post(one, 'Bearer t')).toEqual({kind: 'refused'});
		expect(await post(one, 'Bearer t')).toEqual({kind: 'rejected', status: 413});
		expect(await post(one, 'Bearer t')).toEqual({kind: 'later', unreachable: false, retryAfterMs: 7000});
		expect(await reportPoster((await closedOrigin()).replace('http://', ''))(one, 'Bearer t')).toEqual({kind: 'later', unreachable: true});
	});
});

describe('the reports of a run', () => {
	it('a passed step, a failed command with its cause, a check that could not be made, and a read step', async () => {
		const lesson = await registryLesson();
		let state: RunState = startRun(lesson, 'class', {registry: '127.0.0.1:5000', username: 'student'});
		const next = (event: Parameters<typeof reduce>[1]): ReturnType<typeof outcomesOf> => {
			const previous = state;
			state = reduce(state, event);
			return outcomesOf(state, previous);
		};
		// Step 1 is read, then left: a pass.
		expect(next({type: 'run'}).map(found => [found.step.id, found.outcome])).toEqual([['what-is-a-registry', 'pass']]);
		state = reduce(state, {type: 'go-to', stepId: 'login'});
		state = reduce(state, {type: 'submit-input', value: password});
		state = reduce(state, {type: 'run'});
		const diagnosis = {cause: 'login-failed', title: 't', hint: 'h'} as const;
		const failed = next({type: 'command-done', outcome: {exitCode: 1, canceled: false, timedOut: false, output: `secret output ${password}`, diagnosis}});
		expect(failed.map(found => ({step: found.step.id, outcome: found.outcome, cause: found.cause}))).toEqual([
			{step: 'login', outcome: 'fail', cause: 'login-failed'},
		]);
		state = reduce(state, {type: 'retry'});
		state = reduce(state, {type: 'submit-input', value: password});
		state = reduce(state, {type: 'run'});
		expect(next({type: 'command-done', outcome: {exitCode: 0, canceled: false, timedOut: false, output: ''}})).toEqual([]);
		const unknown = next({type: 'check-done', result: {ok: false, couldNotCheck: true, summary: 's'}});
		expect(unknown.map(found => found.outcome)).toEqual(['unknown']);
		state = reduce(state, {type: 'check-only'});
		expect(next({type: 'check-done', result: {ok: true, summary: 's'}}).map(found => [found.step.id, found.outcome])).toEqual([['login', 'pass']]);
	});

	it('the observer queues each outcome, hands the login credentials over once, and says the notice', async () => {
		const lesson = await registryLesson();
		const added: unknown[] = [];
		const logins: unknown[] = [];
		const observer = classReports({
			className: 'Class 3B',
			address: '127.0.0.1:5001',
			firstReport: 'login',
			connect: () => ({
				add: report => added.push(report),
				loginPassed: credentials => logins.push(credentials),
				authorized: false,
				pending: () => [],
				finish: async () => undefined,
			}),
		});
		expect(observer.notice).toBe(sharingNotice('Class 3B', '127.0.0.1:5001'));
		let state: RunState = startRun(lesson, 'class', {registry: '127.0.0.1:5000', username: 'student'}, {stepId: 'login'});
		observer.started?.(() => undefined, state);
		const step = (event: Parameters<typeof reduce>[1]): void => {
			const previous = state;
			state = reduce(state, event);
			observer.changed?.(state, previous);
		};
		step({type: 'submit-input', value: password});
		step({type: 'run'});
		step({type: 'command-done', outcome: {exitCode: 0, canceled: false, timedOut: false, output: ''}});
		step({type: 'check-done', result: {ok: true, summary: 's'}});
		expect(added).toEqual([{lesson: 'registries', step: 'login', outcome: 'pass'}]);
		expect(logins).toEqual([{username: 'student', password}]);
	});
});

describe('a Docker Hub class: the join code', () => {
	it('takes a join code as class init --hub makes it, forgiving capitals, spaces and a missing dash', () => {
		expect(joinCodeAlphabet).toBe(passwordAlphabet);
		for (let i = 0; i < 50; i++) {
			const code = generateJoinCode();
			expect(joinCodeOf(code)).toEqual({ok: true, code});
		}
		expect(joinCodeOf('  K7QE-M2XA ')).toEqual({ok: true, code: 'k7qe-m2xa'});
		expect(joinCodeOf('k7qe m2xa')).toEqual({ok: true, code: 'k7qe-m2xa'});
		expect(joinCodeOf('k7qem2xa')).toEqual({ok: true, code: 'k7qe-m2xa'});
	});

	it('refuses a code of the wrong shape with what to do, never repeating what was typed', () => {
		const refusal = (typed: string): string => {
			const read = joinCodeOf(typed);
			if (read.ok) throw new Error(`${typed} was taken`);
			if (typed.trim()) expect(read.problem).not.toContain(typed.trim());
			return read.problem;
		};
		expect(refusal('')).toBe('Type the join code from your slip: two groups of four letters and digits, like k7qe-m2xa.');
		expect(refusal('abcd-efg')).toBe(
			'A join code is two groups of four letters and digits with a dash between them, like k7qe-m2xa: type it as it is on your slip.',
		);
		expect(refusal('abcd-efghj')).toMatch(/two groups of four/);
		expect(refusal('student-pass-1234')).toMatch(/two groups of four/);
		expect(refusal('abcd-e0gh')).toBe('A join code never has 0, 1, l or o in it (they are too easy to mix up): look at your slip again.');
		expect(refusal('abcd-elgh')).toMatch(/never has 0, 1, l or o/);
		expect(refusal('ab!d-efgh')).toBe('A join code has only lowercase letters and the digits 2 to 9: look at your slip again.');
	});
});

describe('the reports of a Docker Hub class', () => {
	const code = 'k7qe-m2xa';

	/** A Hub class observer over a fake sender: what was queued, the credentials handed over, and what was said. */
	function hubObserver(authorized = false) {
		const added: unknown[] = [];
		const logins: unknown[] = [];
		const said: string[] = [];
		let refuse: ((what: 'credentials' | 'token') => void) | undefined;
		const observer = classReports({
			className: 'Period 3',
			address: '127.0.0.1:5001',
			firstReport: 'join-code',
			connect: hooks => {
				refuse = hooks.onRefused;
				return {
					add: report => added.push(report),
					loginPassed: credentials => logins.push(credentials),
					get authorized() {
						return authorized;
					},
					pending: () => [],
					finish: async () => undefined,
				};
			},
		});
		return {observer, added, logins, said, refuse: (what: 'credentials' | 'token') => refuse?.(what), say: (text: string) => said.push(text)};
	}

	it('sends the join code with the Docker Hub username once the step that asks it passes, never at the login', async () => {
		const lesson = await registryLesson();
		const h = hubObserver();
		h.observer.joinCode(code);
		let state: RunState = startRun(lesson, 'hub', {registry: 'docker.io'}, {stepId: 'account'});
		h.observer.started?.(h.say, state);
		const step = (event: Parameters<typeof reduce>[1]): void => {
			const previous = state;
			state = reduce(state, event);
			h.observer.changed?.(state, previous);
		};
		step({type: 'submit-input', value: 'alicestudent'});
		expect(h.logins).toEqual([]);
		step({type: 'check-done', result: {ok: true, summary: 's'}});
		expect(h.added).toEqual([{lesson: 'registries', step: 'account', outcome: 'pass'}]);
		expect(h.logins).toEqual([{username: 'alicestudent', password: code}]);
		// The Docker Hub login that follows uses the student's own password: it never goes to the class.
		step({type: 'next'});
		step({type: 'submit-input', value: 'hub-password-1234'});
		step({type: 'run'});
		step({type: 'command-done', outcome: {exitCode: 0, canceled: false, timedOut: false, output: ''}});
		step({type: 'check-done', result: {ok: true, summary: 's'}});
		expect(h.added).toHaveLength(2);
		expect(h.logins).toEqual([{username: 'alicestudent', password: code}]);
		expect(JSON.stringify(h.added)).not.toContain(code);
	});

	it('a refused join code is said once, plainly, and the lesson goes on', async () => {
		const lesson = await registryLesson();
		const h = hubObserver();
		h.observer.joinCode(code);
		let state: RunState = startRun(lesson, 'hub', {registry: 'docker.io'}, {stepId: 'account'});
		h.observer.started?.(h.say, state);
		const previous = state;
		state = reduce(reduce(state, {type: 'submit-input', value: 'alicestudent'}), {type: 'check-done', result: {ok: true, summary: 's'}});
		h.observer.changed?.(state, previous);
		h.refuse('credentials');
		h.refuse('credentials');
		const next = reduce(state, {type: 'next'});
		h.observer.changed?.(next, state);
		expect(h.said).toEqual([joinCodeRefusedNotice('alicestudent')]);
		expect(h.said[0]).toMatch(
			/join code .* username alicestudent: they do not match the class's list, so your instructor will not see your steps\. The lesson goes on/,
		);
		expect(h.said.join('')).not.toContain(code);
	});

	it('a resumed run past the username step sends the join code at once; without a code (a kept token) nothing is sent', async () => {
		const lesson = await registryLesson();
		const completed = ['what-is-a-registry', 'account'];
		const resumed = () => startRun(lesson, 'hub', {registry: 'docker.io', username: 'alicestudent'}, {stepId: 'login', completed});
		const h = hubObserver();
		h.observer.joinCode(code);
		h.observer.started?.(h.say, resumed());
		expect(h.logins).toEqual([{username: 'alicestudent', password: code}]);

		// A kept token the class no longer takes: the student hears how to get back in.
		const kept = hubObserver(false);
		let state = resumed();
		kept.observer.started?.(kept.say, state);
		expect(kept.logins).toEqual([]);
		const previous = state;
		state = reduce(reduce(reduce(state, {type: 'submit-input', value: 'pw'}), {type: 'run'}), {
			type: 'command-done',
			outcome: {exitCode: 1, canceled: false, timedOut: false, output: ''},
		});
		kept.observer.changed?.(state, previous);
		expect(kept.said).toEqual([joinAgainNotice()]);
	});
});

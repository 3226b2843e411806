import {describe, expect, it} from 'vitest';
import {actionNames, availableActions} from '../../src/lesson-run/actions.js';
import {reduce, startRun, type Event, type RunState} from '../../src/lesson-run/lesson-run.js';
import {againPrompt, plainWord, stepPrompt, typingHelp} from '../../src/plain/words.js';
import {appKey, keyHints} from '../../src/ui/keys.js';
import {lessonFrom} from '../helpers/lesson.js';

const yaml = `
id: t
title: T
steps:
  - id: intro
    title: Intro
    body: hello
  - id: login
    title: Login
    body: log in
    inputs:
      - {id: password, label: Password, kind: secret}
    command: {args: [login, "{registryArg}", --password-stdin], stdin: "{password}"}
    check: {type: logged-in, registry: "{registry}"}
  - id: push
    title: Push
    body: push
    link: {label: Docs, url: "https://docs.example/push"}
    command: {args: [push, "{registry}/alice/app:1.0"]}
    check: {type: manifest, reference: "{registry}/alice/app:1.0"}
`;

const lesson = () => lessonFrom(yaml);

/** An account step whose username the login uses. */
const accountYaml = `
id: a
title: A
steps:
  - id: account
    title: Account
    body: account
    inputs:
      - {id: username, label: Username, validate: hub-username}
    check: {type: hub-user-exists, username: "{username}"}
  - id: login
    title: Login
    body: log in
    inputs:
      - {id: password, label: Password, kind: secret}
    command: {args: [login, --username, "{username}", --password-stdin], stdin: "{password}"}
    check: {type: logged-in, registry: "{registry}", username: "{username}"}
`;

const vars = {registry: '127.0.0.1:5000', registryArg: '127.0.0.1:5000'};
const apply = (state: RunState, ...events: Event[]): RunState => events.reduce(reduce, state);
const failed = {type: 'command-done', outcome: {exitCode: 1, canceled: false, timedOut: false, output: 'denied'}} as const;
const canceled = {type: 'command-done', outcome: {exitCode: null, canceled: true, timedOut: false, output: ''}} as const;
const names = (state: RunState) => availableActions(state).map(action => action.name);

/** Every phase a student can meet in this lesson. */
function phases(): [string, RunState][] {
	const start = startRun(lesson(), 'class', vars);
	const login = apply(start, {type: 'run'});
	const ready = apply(login, {type: 'submit-input', value: 'pw'});
	const push = startRun(lesson(), 'class', vars, {stepId: 'push'});
	return [
		['a step to read', start],
		['an input', login],
		['ready to run for the student', ready],
		['running', apply(ready, {type: 'run'})],
		['failed', apply(ready, {type: 'run'}, failed)],
		['stopped', apply(ready, {type: 'run'}, canceled)],
		['checking', apply(ready, {type: 'check-only'})],
		['passed', apply(ready, {type: 'check-only'}, {type: 'check-done', result: {ok: true, summary: 'fine'}})],
		['passed, the check told what it did', apply(ready, {type: 'check-only'}, {type: 'check-done', result: {ok: true, summary: 'fine', did: 'read x'}})],
		[
			'could not check, the check told what it did',
			apply(
				ready,
				{type: 'check-only'},
				{type: 'check-done', result: {ok: false, couldNotCheck: true, summary: 'no answer', did: 'HEAD x → ECONNREFUSED'}},
			),
		],
		['typing, with a link', push],
		['typing, switched to run it for me', apply(push, {type: 'toggle-typing'})],
		['typing, after a failure', apply(push, {type: 'run'}, failed)],
		...accountPhases(),
	];
}

/** The phases of mending an answer: a check that could not be made, a wrong password, a check that found another username. */
function accountPhases(): [string, RunState][] {
	const start = startRun(lessonFrom(accountYaml), 'hub', vars);
	const unknown = {type: 'check-done', result: {ok: false, couldNotCheck: true, mayGoOn: true, summary: 'Could not check'}} as const;
	const login = apply(start, {type: 'submit-input', value: 'alicestudent'}, {type: 'check-done', result: {ok: true, summary: 'fine'}}, {type: 'next'});
	const ready = apply(login, {type: 'submit-input', value: 'pw'}, {type: 'run'});
	const wrong = {exitCode: 1, canceled: false, timedOut: false, output: 'unauthorized', diagnosis: {cause: 'login-failed', title: 't', hint: 'h'}} as const;
	const elsewhere = {ok: false, summary: 'logged in as bob', suggestion: {field: 'username', value: 'bobstudent'}} as const;
	return [
		['a check that could not be made', apply(start, {type: 'submit-input', value: 'alicestudent'}, unknown)],
		['a wrong password', apply(ready, {type: 'command-done', outcome: wrong})],
		[
			'a check that found another username',
			apply(ready, {type: 'command-done', outcome: {...wrong, exitCode: 0}}, {type: 'check-done', result: elsewhere}),
		],
	];
}

describe('what the student may do now', () => {
	it('follows the phase: run, type, check, edit, retry, stop and quit where they apply', () => {
		const all = Object.fromEntries(phases().map(([name, state]) => [name, names(state)]));
		expect(all).toEqual({
			'a step to read': ['run', 'quit'],
			'an input': ['answer', 'quit'],
			'ready to run for the student': ['run', 'type', 'check', 'edit', 'quit'],
			running: ['stop', 'quit'],
			failed: ['retry', 'check', 'edit', 'quit'],
			stopped: ['retry', 'check', 'edit', 'quit'],
			checking: ['quit'],
			passed: ['next', 'quit'],
			'passed, the check told what it did': ['next', 'did', 'quit'],
			'could not check, the check told what it did': ['retry', 'check', 'did', 'edit', 'quit'],
			'typing, with a link': ['typed', 'hint', 'type', 'check', 'open-link', 'quit'],
			'typing, switched to run it for me': ['run', 'type', 'check', 'open-link', 'quit'],
			'typing, after a failure': ['retry', 'check', 'open-link', 'quit'],
			'a check that could not be made': ['retry', 'check', 'skip', 'edit', 'quit'],
			'a wrong password': ['retry', 'check', 'edit', 'quit'],
			'a check that found another username': ['retry', 'check', 'take', 'edit', 'quit'],
		});
	});

	it('an action offered is one the state machine takes: it changes the state', () => {
		const events: Partial<Record<(typeof actionNames)[number], Event>> = {
			run: {type: 'run'},
			type: {type: 'toggle-typing'},
			check: {type: 'check-only'},
			edit: {type: 'edit'},
			retry: {type: 'retry'},
			take: {type: 'take'},
			skip: {type: 'skip'},
			did: {type: 'toggle-did'},
			next: {type: 'next'},
			hint: {type: 'hint', message: 'a nudge'},
			typed: {type: 'typed-mismatch', message: 'not that'},
		};
		for (const [phase, state] of phases()) {
			for (const name of names(state)) {
				const event = events[name];
				if (event) expect(reduce(state, event), `${name} in ${phase}`).not.toBe(state);
			}
		}
	});

	it('both faces offer every action in every phase: the app a key, plain mode a word', () => {
		for (const [phase, state] of phases()) {
			const typing = state.phase.name === 'ready' && state.typing;
			for (const action of availableActions(state)) {
				expect(appKey(action.name, typing), `${action.name} in ${phase} (app)`).toBeTruthy();
				if (action.name === 'answer' || action.name === 'stop' || action.name === 'next') continue;
				expect(plainWord(action.name, typing), `${action.name} in ${phase} (plain)`).toBeDefined();
			}
		}
	});

	it('the app’s key hints and plain mode’s prompts are made from the same list', () => {
		const byName = Object.fromEntries(phases());
		const failedState = byName.failed!;
		expect(keyHints(availableActions(failedState), false)).toEqual([
			['r', 'try again'],
			['c', 'check again now'],
			['e', 'change my answers'],
			['ctrl+c', 'quit'],
		]);
		expect(againPrompt(availableActions(failedState))).toBe('Try again? [r]etry / [c]heck only / [e]dit answers / [q]uit');
		expect(againPrompt(availableActions(byName.stopped!))).toBe('Try again? [r]etry / [c]heck only / [e]dit answers / [q]uit');
		expect(keyHints(availableActions(byName.stopped!), false).map(([key]) => key)).toEqual(['r', 'c', 'e', 'ctrl+c']);
		expect(stepPrompt(availableActions(byName['a step to read']!))).toBe('Press Enter to continue');
		// Mending: the same list, in both faces.
		const elsewhere = availableActions(byName['a check that found another username']!);
		expect(keyHints(elsewhere, false)).toEqual([
			['r', 'try again'],
			['c', 'check again now'],
			['u', "use 'bobstudent'"],
			['e', 'change my answers'],
			['ctrl+c', 'quit'],
		]);
		expect(againPrompt(elsewhere)).toBe("Try again? [r]etry / [c]heck only / [u] use 'bobstudent' / [e]dit answers / [q]uit");
		const unknown = availableActions(byName['a check that could not be made']!);
		expect(keyHints(unknown, false).map(([key]) => key)).toEqual(['r', 'c', 's', 'e', 'ctrl+c']);
		expect(againPrompt(unknown)).toBe('Try again? [r]etry / [c]heck only / [s]kip this check / [e]dit answers / [q]uit');
		const told = byName['could not check, the check told what it did']!;
		expect(keyHints(availableActions(told), false)).toContainEqual(['w', 'what the check did']);
		expect(againPrompt(availableActions(told))).toBe('Try again? [r]etry / [c]heck only / [w]hat the check did / [e]dit answers / [q]uit');
		// Asked, the lines show until the step changes; asked again, they hide.
		const shown = reduce(told, {type: 'toggle-did'});
		expect(shown.showDid).toBe(true);
		expect(keyHints(availableActions(shown), false)).toContainEqual(['w', 'hide what the check did']);
		expect(reduce(shown, {type: 'toggle-did'}).showDid).toBe(false);
		expect(keyHints(availableActions(byName['a wrong password']!), false)[0]).toEqual(['r', 'try again (type the password again)']);
		expect(stepPrompt(availableActions(byName['ready to run for the student']!))).toBe(
			'Press Enter to run it, t to type it yourself, c if you ran it in your own terminal (check only), e to change your answers, q to quit',
		);
		const typing = availableActions(byName['typing, with a link']!);
		expect(typingHelp(typing)).toBe(
			'Type the command yourself, as you would in a terminal ' +
				'(an empty line gives the next hint; !run runs it for you; !check checks only; !open opens the link in your browser; q quits).',
		);
		expect(keyHints(typing, true)).toEqual([
			['enter', 'run what you typed'],
			['enter on an empty line', 'a hint'],
			['tab', 'run it for me'],
			['!check', 'check only'],
			['!open', 'open the link in your browser'],
			['ctrl+c', 'quit'],
		]);
	});
});

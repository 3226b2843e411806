import {describe, expect, it} from 'vitest';
import {availableActions} from '../../src/lesson-run/actions.js';
import {currentQuestion, displayCommand, pendingEffect, reduce, startRun, type Event, type RunState} from '../../src/lesson-run/lesson-run.js';
import {progressOfRun} from '../../src/driver/save-progress.js';
import {lessonFrom} from '../helpers/lesson.js';

const yaml = `
id: t
title: T
steps:
  - id: intro
    title: Intro
    body: hello {username}
  - id: login
    title: Login
    body: log in
    inputs:
      - {id: password, label: Password, kind: secret}
    command:
      args: [login, "{registryArg}", --username, "{username}", --password-stdin]
      stdin: "{password}"
    check: {type: logged-in, registry: "{registry}"}
  - id: tag
    title: Tag
    body: tag
    registries: [class]
    inputs:
      - {id: repository, label: Repo, validate: repository-name}
      - {id: tag, label: Tag, default: "1.0"}
    derive:
      target: "{registryPrefix}{username}/{repository}:{tag}"
    before:
      - {type: valid-reference, reference: "{target}"}
    command: {args: [tag, src, "{target}"]}
    check: {type: local-image, reference: "{target}"}
  - id: see
    title: See
    body: see
    check: {type: tags, reference: "x"}
`;

const lesson = () => lessonFrom(yaml);

const vars = {registry: '127.0.0.1:5000', registryKind: 'class', registryArg: '127.0.0.1:5000', registryPrefix: '127.0.0.1:5000/', username: 'alice'};
const apply = (state: RunState, ...events: Event[]): RunState => events.reduce(reduce, state);
const ok = {ok: true, summary: 'fine'} as const;
const names = (state: RunState) => availableActions(state).map(action => action.name);
const done = (exitCode: number) => ({type: 'command-done', outcome: {exitCode, canceled: false, timedOut: false, output: exitCode ? 'denied' : ''}}) as const;

describe('a lesson run', () => {
	it('leaves out steps for other kinds of registry', () => {
		expect(startRun(lesson(), 'hub', vars).steps.map(step => step.id)).toEqual(['intro', 'login', 'see']);
		expect(startRun(lesson(), 'class', vars).steps.map(step => step.id)).toEqual(['intro', 'login', 'tag', 'see']);
	});

	it('walks a step: input, run, output, check, pass, next', () => {
		let state = apply(startRun(lesson(), 'class', vars), {type: 'run'});
		// A step with nothing to run or check is simply left.
		expect(state.index).toBe(1);
		expect(state.phase).toEqual({name: 'input', index: 0});
		state = apply(state, {type: 'submit-input', value: 's3cret'});
		expect(state.phase.name).toBe('ready');
		expect(displayCommand(state, 'docker')).toBe('docker login 127.0.0.1:5000 --username alice --password-stdin');
		state = apply(state, {type: 'run'});
		const effect = pendingEffect(state);
		expect(effect).toEqual({
			kind: 'command',
			args: ['login', '127.0.0.1:5000', '--username', 'alice', '--password-stdin'],
			stdin: 's3cret',
			timeoutMs: 600_000,
			progress: 'lines',
		});
		state = apply(state, {type: 'output', lines: [{text: 'Login Succeeded', stream: 'stdout'}]}, done(0));
		expect(state.phase).toEqual({name: 'checking', selfRun: false});
		expect(pendingEffect(state)).toEqual({kind: 'check', check: {type: 'logged-in', registry: '127.0.0.1:5000'}});
		state = apply(state, {type: 'check-done', result: ok});
		expect(state.phase.name).toBe('passed');
		expect(state.completed).toEqual(['intro', 'login']);
		expect(state.stats.login?.attempts).toBe(1);
	});

	it('never shows or saves the secret', () => {
		let state = apply(startRun(lesson(), 'class', vars), {type: 'run'}, {type: 'submit-input', value: 'hunter2'});
		expect(displayCommand(state, 'docker')).not.toContain('hunter2');
		// What is saved is what the CLI saves: the progress allow-list.
		expect(JSON.stringify(progressOfRun(state))).not.toContain('hunter2');
		state = apply(state, {type: 'run'});
		expect(state.output).toEqual([]);
	});

	it('a failed command stays on the step with the diagnosis, and retry goes back to ready', () => {
		let state = apply(startRun(lesson(), 'class', vars, {stepId: 'login'}), {type: 'submit-input', value: 'x'}, {type: 'run'});
		state = apply(state, {
			type: 'command-done',
			outcome: {
				exitCode: 1,
				canceled: false,
				timedOut: false,
				output: 'unauthorized',
				diagnosis: {cause: 'login-failed', title: 'Wrong password', hint: 'Try again'},
			},
		});
		expect(state.phase).toMatchObject({name: 'failed', failure: {stage: 'command', detail: 'unauthorized', diagnosis: {cause: 'login-failed'}}});
		expect(apply(state, {type: 'next'}).index).toBe(state.index);
		state = apply(state, {type: 'edit'});
		expect(state.phase).toEqual({name: 'input', index: 0});
	});

	it('retry after a wrong password asks for it again instead of sending the same one; after a network failure it runs again', () => {
		const failedWith = (cause: 'login-failed' | 'network') =>
			apply(
				startRun(lesson(), 'class', vars, {stepId: 'login'}),
				{type: 'submit-input', value: 'wrong-pw'},
				{type: 'run'},
				{
					type: 'command-done',
					outcome: {exitCode: 1, canceled: false, timedOut: false, output: 'x', diagnosis: {cause, title: 't', hint: 'h'}},
				},
			);
		let state = apply(failedWith('login-failed'), {type: 'retry'});
		expect(state.phase).toMatchObject({name: 'input', index: 0});
		expect(state.vars.password).toBeUndefined();
		state = apply(state, {type: 'submit-input', value: 'right-pw'}, {type: 'run'});
		expect(pendingEffect(state)).toMatchObject({kind: 'command', stdin: 'right-pw'});
		const network = apply(failedWith('network'), {type: 'retry'});
		expect(network.phase).toEqual({name: 'ready'});
		expect(apply(network, {type: 'run'}).phase.name).toBe('running');
		expect(pendingEffect(apply(network, {type: 'run'}))).toMatchObject({kind: 'command', stdin: 'wrong-pw'});
	});

	it('a failing check fails the step even when the command succeeded', () => {
		const state = apply(startRun(lesson(), 'class', vars, {stepId: 'login'}), {type: 'submit-input', value: 'x'}, {type: 'run'}, done(0), {
			type: 'check-done',
			result: {ok: false, summary: 'not logged in'},
		});
		expect(state.phase).toMatchObject({name: 'failed', failure: {stage: 'check', summary: 'not logged in'}});
	});

	it('check-only skips the command ("I ran it in my own terminal")', () => {
		const state = apply(startRun(lesson(), 'class', vars, {stepId: 'login'}), {type: 'submit-input', value: 'x'}, {type: 'check-only'});
		expect(state.phase).toEqual({name: 'checking', selfRun: true});
		expect(pendingEffect(state)?.kind).toBe('check');
	});

	it('derives variables from inputs and runs the before-checks first; a failing one stops the command', () => {
		let state = apply(startRun(lesson(), 'class', vars, {stepId: 'tag'}), {type: 'submit-input', value: 'demo'}, {type: 'submit-input', value: '2.0'});
		expect(state.vars.target).toBe('127.0.0.1:5000/alice/demo:2.0');
		state = apply(state, {type: 'run'});
		expect(pendingEffect(state)).toEqual({kind: 'before', checks: [{type: 'valid-reference', reference: '127.0.0.1:5000/alice/demo:2.0'}]});
		const refused = apply(state, {type: 'before-done', result: {ok: false, summary: 'bad name'}});
		expect(refused.phase).toMatchObject({name: 'failed', failure: {stage: 'before'}});
		expect(pendingEffect(apply(state, {type: 'before-done', result: ok}))).toMatchObject({
			kind: 'command',
			args: ['tag', 'src', '127.0.0.1:5000/alice/demo:2.0'],
		});
	});

	it('a rejected input keeps the question with the reason', () => {
		const state = apply(startRun(lesson(), 'class', vars, {stepId: 'tag'}), {type: 'reject-input', message: 'must be lowercase', value: 'MyApp'});
		expect(state.phase).toEqual({name: 'input', index: 0, error: 'must be lowercase', draft: 'MyApp'});
	});

	it('canceling a running command ends in canceled, not failed', () => {
		const state = apply(
			startRun(lesson(), 'class', vars, {stepId: 'login'}),
			{type: 'submit-input', value: 'x'},
			{type: 'run'},
			{type: 'command-done', outcome: {exitCode: null, canceled: true, timedOut: false, output: ''}},
		);
		expect(state.phase.name).toBe('canceled');
	});

	it('facts from a check become variables, and the run finishes after the last step', () => {
		let state = apply(startRun(lesson(), 'hub', vars, {stepId: 'see'}), {type: 'run'});
		expect(pendingEffect(state)?.kind).toBe('check');
		state = apply(state, {type: 'check-done', result: {ok: true, summary: 'yes', facts: {digest: 'sha256:abc'}}});
		expect(state.vars.digest).toBe('sha256:abc');
		state = apply(state, {type: 'next'});
		expect(state.phase.name).toBe('finished');
	});

	it('go-to returns to an earlier step with a notice and forgets later completions', () => {
		let state = apply(
			startRun(lesson(), 'class', vars),
			{type: 'run'},
			{type: 'submit-input', value: 'x'},
			{type: 'run'},
			done(0),
			{type: 'check-done', result: ok},
			{type: 'next'},
		);
		expect(state.completed).toEqual(['intro', 'login']);
		state = apply(state, {type: 'go-to', stepId: 'login', notice: 'Your login expired.'});
		expect(state.completed).toEqual(['intro']);
		expect(state.notice).toBe('Your login expired.');
		expect(state.phase).toEqual({name: 'input', index: 0});
	});

	it('keeps only the newest output lines', () => {
		let state = apply(startRun(lesson(), 'class', vars, {stepId: 'login'}), {type: 'submit-input', value: 'x'}, {type: 'run'});
		const lines = Array.from({length: 1200}, (_, index) => ({text: `line ${index}`, stream: 'stdout' as const}));
		state = apply(state, {type: 'output', lines});
		expect(state.output).toHaveLength(500);
		expect(state.output.at(-1)?.text).toBe('line 1199');
	});

	it('the first command is run for the student; later ones are typed, with attempts and hints counted', () => {
		const login = apply(startRun(lesson(), 'class', vars, {stepId: 'login'}), {type: 'submit-input', value: 'x'});
		expect(login.typing).toBe(false);
		let tag = apply(startRun(lesson(), 'class', vars, {stepId: 'tag'}), {type: 'submit-input', value: 'demo'}, {type: 'submit-input', value: '1.0'});
		expect(tag.typing).toBe(true);
		tag = apply(tag, {type: 'typed-mismatch', message: 'Add the tag'}, {type: 'hint', message: 'Nudge'}, {type: 'hint', message: 'Shape'});
		expect(tag.feedback).toBe('Shape');
		expect(tag.hintLevel).toBe(2);
		expect(tag.stats.tag).toEqual({attempts: 1, hints: 2});
		tag = apply(tag, {type: 'toggle-typing'});
		expect(tag.typing).toBe(false);
		tag = apply(tag, {type: 'run'});
		expect(tag.phase.name).toBe('before');
		expect(tag.feedback).toBeUndefined();
		expect(tag.stats.tag?.attempts).toBe(2);
	});
});

/** The registry lesson's shape: an answer given at one step is used by the steps after it. */
const mendYaml = `
id: m
title: M
steps:
  - id: account
    title: Account
    body: your account
    inputs:
      - {id: username, label: "Your username on {registry}", validate: username}
    check: {type: recorded, value: "{username}"}
  - id: login
    title: Log in
    body: log in
    inputs:
      - {id: password, label: Password, kind: secret}
    command:
      args: [login, "{registryArg}", --username, "{username}", --password-stdin]
      stdin: "{password}"
    check: {type: logged-in, registry: "{registry}", username: "{username}"}
  - id: choose
    title: Choose
    body: choose
    inputs:
      - {id: image, label: Image, kind: local-image}
    check: {type: local-image, reference: "{image}"}
  - id: tag
    title: Tag
    body: tag
    inputs:
      - {id: repository, label: Repository, validate: repository-name}
      - {id: tag, label: Tag}
    derive:
      target: "{registryPrefix}{username}/{repository}:{tag}"
    before:
      - {type: namespace, reference: "{target}", username: "{username}"}
    command: {args: [tag, "{image}", "{target}"]}
    check: {type: same-image, source: "{image}", target: "{target}"}
  - id: push
    title: Push
    body: push
    command: {args: [push, "{target}"]}
    check: {type: manifest, reference: "{target}"}
`;

const classVars = {registry: '127.0.0.1:5000', registryArg: '127.0.0.1:5000', registryPrefix: '127.0.0.1:5000/'};
const commandOk = done(0);
const asked = (state: RunState) => {
	const question = currentQuestion(state);
	return question ? `${state.steps[question.step]!.id}.${question.input.id}` : undefined;
};

/** Through account and login as `username`: the run on the login step, after the command, waiting for its check. */
function loggedIn(username: string): RunState {
	return apply(
		startRun(lessonFrom(mendYaml), 'class', classVars),
		{type: 'submit-input', value: username},
		{type: 'check-done', result: ok},
		{type: 'next'},
		{type: 'submit-input', value: 'pw'},
		{type: 'run'},
		commandOk,
	);
}

/** On to the push step, with every step before it passed. */
function atPush(): RunState {
	return apply(
		loggedIn('alice'),
		{type: 'check-done', result: ok},
		{type: 'next'},
		{type: 'submit-input', value: 'app:1.0'},
		{type: 'check-done', result: ok},
		{type: 'next'},
		{type: 'submit-input', value: 'demo'},
		{type: 'submit-input', value: '1.0'},
		{type: 'run'},
		{type: 'before-done', result: ok},
		commandOk,
		{type: 'check-done', result: ok},
		{type: 'next'},
	);
}

describe('mending an answer where the mistake shows', () => {
	it('edit on the login step offers the username from the account step, then the password', () => {
		const failed = apply(loggedIn('Alice'), {type: 'check-done', result: {ok: false, summary: 'not logged in as Alice'}});
		expect(names(failed)).toContain('edit');
		let state = apply(failed, {type: 'edit'});
		expect(asked(state)).toBe('account.username');
		state = apply(state, {type: 'submit-input', value: 'alice'});
		expect(asked(state)).toBe('login.password');
		state = apply(state, {type: 'submit-input', value: 'pw2'});
		// The account step only recorded the name: it stays passed, and the login (this step) is run with the new one.
		expect(state.index).toBe(1);
		expect(state.phase).toEqual({name: 'ready'});
		expect(state.completed).toEqual(['account']);
		expect(state.notice).toBeUndefined();
		expect(pendingEffect(apply(state, {type: 'run'}))).toMatchObject({args: ['login', '127.0.0.1:5000', '--username', 'alice', '--password-stdin']});
	});

	it('a step offers the earlier answers its command and checks use, through derived variables too, but no secret or pick list', () => {
		const state = atPush();
		expect(state.steps[state.index]!.id).toBe('push');
		expect(names(state)).toContain('edit');
		const questions: string[] = [];
		let editing = apply(state, {type: 'edit'});
		while (editing.phase.name === 'input') {
			questions.push(asked(editing)!);
			editing = apply(editing, {type: 'submit-input', value: editing.vars[currentQuestion(editing)!.input.id]!});
		}
		// {target} is made of the username, the repository and the tag; the image is a pick list, the password a secret.
		expect(questions).toEqual(['account.username', 'tag.repository', 'tag.tag']);
		// Nothing changed: the run stays on the push step, ready.
		expect(editing.index).toBe(state.index);
		expect(editing.phase).toEqual({name: 'ready'});
	});

	it('changing the repository on the push step derives the target again and tags again first', () => {
		let state = apply(
			atPush(),
			{type: 'edit'},
			{type: 'submit-input', value: 'alice'},
			{type: 'submit-input', value: 'web'},
			{type: 'submit-input', value: '1.0'},
		);
		expect(state.vars.target).toBe('127.0.0.1:5000/alice/web:1.0');
		expect(state.steps[state.index]!.id).toBe('tag');
		expect(state.phase).toEqual({name: 'ready'});
		expect(state.completed).toEqual(['account', 'login', 'choose']);
		expect(state.notice).toBe('You changed “Repository”, so “Tag” is done again with the new answer; then the lesson comes back to “Push”.');
		state = apply(state, {type: 'run'}, {type: 'before-done', result: ok});
		expect(pendingEffect(state)).toMatchObject({args: ['tag', 'app:1.0', '127.0.0.1:5000/alice/web:1.0']});
		state = apply(state, commandOk, {type: 'check-done', result: ok}, {type: 'next'});
		expect(state.steps[state.index]!.id).toBe('push');
		expect(pendingEffect(apply(state, {type: 'run'}))).toMatchObject({args: ['push', '127.0.0.1:5000/alice/web:1.0']});
	});

	it('changing the username after the login logs in again, then passes over the steps that still hold', () => {
		let state = apply(
			atPush(),
			{type: 'edit'},
			{type: 'submit-input', value: 'bob'},
			{type: 'submit-input', value: 'demo'},
			{type: 'submit-input', value: '1.0'},
		);
		// The login ran as alice, the tag named alice's image: both are done again, from the login, with its password kept.
		expect(state.steps[state.index]!.id).toBe('login');
		expect(state.phase).toEqual({name: 'ready'});
		expect(state.completed).toEqual(['account', 'choose']);
		expect(state.notice).toMatch(/^You changed “Your username on 127\.0\.0\.1:5000”, so “Log in” is done again/);
		expect(pendingEffect(apply(state, {type: 'run'}))).toMatchObject({
			args: ['login', '127.0.0.1:5000', '--username', 'bob', '--password-stdin'],
			stdin: 'pw',
		});
		state = apply(state, {type: 'run'}, commandOk, {type: 'check-done', result: ok}, {type: 'next'});
		// The image chosen still holds: on to the tag, under bob's name.
		expect(state.steps[state.index]!.id).toBe('tag');
		expect(state.phase).toEqual({name: 'ready'});
		expect(state.vars.target).toBe('127.0.0.1:5000/bob/demo:1.0');
	});

	it('what a failed check found can be taken: docker is logged in as alice, the username becomes alice and it is checked again', () => {
		const failed = apply(loggedIn('Alice'), {
			type: 'check-done',
			result: {ok: false, summary: "docker is logged in as 'alice', not 'Alice'.", suggestion: {field: 'username', value: 'alice'}},
		});
		expect(failed.phase).toMatchObject({name: 'failed', failure: {take: {name: 'username', value: 'alice'}}});
		expect(availableActions(failed)).toContainEqual({name: 'take', label: "use 'alice'"});
		const taken = apply(failed, {type: 'take'});
		expect(taken.vars.username).toBe('alice');
		expect(taken.phase).toEqual({name: 'checking', selfRun: true});
		expect(pendingEffect(taken)).toEqual({kind: 'check', check: {type: 'logged-in', registry: '127.0.0.1:5000', username: 'alice'}});
		expect(apply(taken, {type: 'check-done', result: ok}).phase.name).toBe('passed');
	});

	it('nothing to take when the value is one the lab set, not an answer of the student', () => {
		// Here the username comes from the lab (as on a practice registry): no step asks it.
		const state = apply(startRun(lesson(), 'class', vars, {stepId: 'login'}), {type: 'submit-input', value: 'x'}, {type: 'run'}, done(0), {
			type: 'check-done',
			result: {ok: false, summary: 'someone else', suggestion: {field: 'registry', value: 'elsewhere'}},
		});
		expect(state.phase).toMatchObject({name: 'failed'});
		expect(names(state)).not.toContain('take');
	});

	it('a check that could not be made is not a fail: check again, or go on without it where a later step proves it', () => {
		const start = startRun(lessonFrom(mendYaml), 'hub', classVars);
		const unknown = (mayGoOn: boolean) =>
			apply(
				start,
				{type: 'submit-input', value: 'alice'},
				{type: 'check-done', result: {ok: false, couldNotCheck: true, mayGoOn, summary: 'Could not check'}},
			);
		const state = unknown(true);
		expect(state.phase).toMatchObject({name: 'failed', failure: {couldNotCheck: true, mayGoOn: true}});
		expect(names(state)).toEqual(['retry', 'check', 'skip', 'edit', 'quit']);
		expect(names(unknown(false))).toEqual(['retry', 'check', 'edit', 'quit']);
		const skipped = apply(state, {type: 'skip'});
		expect(skipped.steps[skipped.index]!.id).toBe('login');
		// Not counted as passed: it was not checked.
		expect(skipped.completed).toEqual([]);
		const mustCheck = unknown(false);
		expect(apply(mustCheck, {type: 'skip'})).toBe(mustCheck);
	});
});

describe('a name refused before its command runs, with the full name to take', () => {
	const pullYaml = `
id: p
title: P
steps:
  - id: pull
    title: Pull
    body: pull
    inputs:
      - {id: pullRef, label: Image to pull, kind: reference, validate: reference}
    before:
      - {type: registry-host, reference: "{pullRef}", registry: "{registry}"}
    command: {args: [pull, "{pullRef}"]}
    check: {type: classmate-image, reference: "{pullRef}", username: "{username}"}
`;
	const classVars = {registry: '127.0.0.1:5000', registryKind: 'class', username: 'alice'};

	it('takes the offer: the answer becomes the full name and the step is ready to pull it, not yet pulled nor checked', () => {
		const start = startRun(lessonFrom(pullYaml), 'class', classVars);
		const refused = apply(start, {type: 'submit-input', value: 'bob/ceo-classmate:1.0'}, {type: 'run'});
		expect(pendingEffect(refused)).toEqual({
			kind: 'before',
			checks: [{type: 'registry-host', reference: 'bob/ceo-classmate:1.0', registry: '127.0.0.1:5000'}],
		});
		const failed = apply(refused, {
			type: 'before-done',
			result: {ok: false, summary: 'no host', suggestion: {field: 'reference', value: '127.0.0.1:5000/bob/ceo-classmate:1.0'}},
		});
		expect(failed.phase).toMatchObject({
			name: 'failed',
			failure: {stage: 'before', take: {name: 'pullRef', value: '127.0.0.1:5000/bob/ceo-classmate:1.0'}},
		});
		expect(availableActions(failed)).toContainEqual({name: 'take', label: "use '127.0.0.1:5000/bob/ceo-classmate:1.0'"});
		const taken = apply(failed, {type: 'take'});
		expect(taken.vars.pullRef).toBe('127.0.0.1:5000/bob/ceo-classmate:1.0');
		expect(taken.phase).toEqual({name: 'ready'});
		expect(pendingEffect(apply(taken, {type: 'run'}))).toEqual({
			kind: 'before',
			checks: [{type: 'registry-host', reference: '127.0.0.1:5000/bob/ceo-classmate:1.0', registry: '127.0.0.1:5000'}],
		});
	});
});

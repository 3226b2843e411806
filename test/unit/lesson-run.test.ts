import {describe, expect, it} from 'vitest';
import {displayCommand, pendingEffect, reduce, startRun, type Event, type RunState} from '../../src/lesson-run/lesson-run.js';
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
		state = apply(state, {type: 'retry'});
		expect(state.phase.name).toBe('ready');
		state = apply(state, {type: 'edit'});
		expect(state.phase).toEqual({name: 'input', index: 0});
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

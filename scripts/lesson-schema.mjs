// lessons/lesson.schema.json: the lesson schema (src/lesson/schema.ts) as a JSON Schema, so an editor checks a
// lesson file as it is written (a lesson's first line: # yaml-language-server: $schema=./lesson.schema.json).
// Made here, at development time, with the full zod package's z.toJSONSchema; nothing of it is loaded when the
// lab runs. `npm run schema` writes it; test/unit/lesson-schema.test.ts fails when the committed file is stale.
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {build} from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const schemaFile = path.join(root, 'lessons', 'lesson.schema.json');

// What each field is for, shown by an editor as the field's help. Keys are paths in the lesson: steps.* is any
// step, check.* a field of any check (before and check alike), input.* a field of any input.
const descriptions = {
	'': 'A registry-lab lesson: steps a student goes through, each with text, inputs, a command and a check. See docs/writing-lessons.md.',
	id: "The lesson's id: lowercase letters, digits and -. `registry-lab --lesson ID` runs it.",
	title: "The lesson's title, as the start screen lists it.",
	summary: 'One sentence on what the student will do.',
	steps: 'The steps, in order.',
	'steps.*.id': 'The step id: lowercase letters, digits and -. Used twice only for steps limited to different registries.',
	'steps.*.title': 'What the step is about, in a few words.',
	'steps.*.body': 'What the student reads. {variables} are filled in (built in, inputs, derived, and the facts of an earlier check).',
	'steps.*.tip': 'A line shown under the body.',
	'steps.*.registries': 'Only for these kinds of registry; every kind when absent.',
	'steps.*.link': 'A web page the student may open from the step.',
	'steps.*.inputs': 'What the step asks the student, in order.',
	'steps.*.derive': 'Variables made from others, in order: name: "{registryPrefix}{username}/{repository}:{tag}".',
	'steps.*.before': 'Checks that must hold before the command runs, to catch a mistake before the engine says no.',
	'steps.*.command': 'The engine command the step runs (docker or podman). Only what a lesson may ask of the engine is allowed.',
	'steps.*.check': "The check that the step's work is done: it looks at the machine or the registry.",
	'command.args': 'The arguments after the engine program. The subcommand is written out; an argument that fills in empty is left out.',
	'command.stdin': 'Sent on standard input: the one place a secret input may go.',
	'command.shape': "The command's shape, shown as a hint when the student types it: {engine} push {registryPrefix}USERNAME/...",
	'command.progress': "'layers': a line per image layer (push, pull).",
	'command.timeoutSeconds': 'How long the command may run (at most 3600 seconds).',
	'input.id': 'The variable the answer is kept in: {id} in any later text.',
	'input.label': 'The question.',
	'input.kind': 'text, secret (never shown or saved; only on command.stdin), local-image (picked from the images here), reference.',
	'input.validate': 'How the answer is checked before it is taken.',
	'input.default': 'The answer offered.',
	'input.help': 'A line under the question.',
	'check.type': 'What to check; each type has its own fields.',
};

// What each type of check looks at; the facts it adds come from src/lesson/check-facts.ts.
export const checkDescriptions = {
	recorded: 'Takes the value as given (an answer to keep, nothing to look at): value.',
	'hub-user-exists': 'Docker Hub has an account called username.',
	'logged-in': 'The engine holds a login for registry (as username, when given).',
	'local-image': 'An image called reference is on this computer.',
	'same-image': 'source and target name the same image on this computer (after a tag).',
	'valid-reference': 'reference is a valid image name (a before check: caught before the engine says no).',
	namespace: "reference is in the student's own namespace (username/...), where they may push.",
	manifest: 'The registry has reference (after a push).',
	tags: "The registry lists reference's tags.",
	'registry-host': "reference names the lesson's registry (a name without a host means Docker Hub): a before check for a pull.",
	'classmate-image': "reference is on this computer and is someone else's image (another namespace than username): after a pull.",
};

/** The JSON Schema of a lesson file, as `npm run schema` writes it (text, ending in a newline). */
export async function lessonSchemaText() {
	const temp = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-schema-'));
	try {
		const outfile = path.join(temp, 'schema.mjs');
		await build({
			absWorkingDir: root,
			stdin: {
				contents: [
					"export {lessonSchema} from './src/lesson/schema.ts';",
					"export {checkFacts} from './src/lesson/check-facts.ts';",
					"export {toJSONSchema} from 'zod';",
				].join(' '),
				resolveDir: root,
				loader: 'js',
			},
			outfile,
			bundle: true,
			platform: 'node',
			format: 'esm',
			logLevel: 'warning',
		});
		const {lessonSchema, checkFacts, toJSONSchema} = await import(pathToFileURL(outfile).href);
		const schema = toJSONSchema(lessonSchema, {io: 'input', target: 'draft-2020-12', unrepresentable: 'throw'});
		describe(schema, [], checkFacts);
		const ordered = {$schema: schema.$schema, title: 'registry-lab lesson', ...schema};
		return `${JSON.stringify(ordered, null, '\t')}\n`;
	} finally {
		await rm(temp, {recursive: true, force: true});
	}
}

/** Add the descriptions above to the schema, walking it as the lesson is nested. */
function describe(node, path, checkFacts) {
	if (!node || typeof node !== 'object') return;
	const key = path.join('.');
	// One of the check types: what it looks at, and the facts it adds.
	const type = node.properties?.type?.const;
	if (typeof type === 'string' && type in checkFacts) {
		const facts = checkFacts[type].map(fact => `{${fact}}`);
		if (!checkDescriptions[type]) throw new Error(`scripts/lesson-schema.mjs: say what the '${type}' check looks at (checkDescriptions)`);
		const adds = facts.length > 0 ? ` As a step's check, it adds facts for the steps after it: ${facts.join(', ')}.` : '';
		node.description = `${checkDescriptions[type]}${adds}`;
	}
	const short = shortPath(path);
	const own = descriptions[key] ?? (short ? descriptions[short] : undefined);
	if (own && !node.description) node.description = own;
	// The loader refuses a step with no words (src/lesson/parse.ts): the editor says so too.
	if (key === 'steps.*.title' || key === 'steps.*.body') node.minLength = 1;
	if (node.properties) for (const [name, child] of Object.entries(node.properties)) describe(child, [...path, name], checkFacts);
	if (node.items) describe(node.items, [...path, '*'], checkFacts);
	for (const option of node.oneOf ?? node.anyOf ?? []) describe(option, path, checkFacts);
}

/** steps.*.inputs.*.id is input.id; steps.*.command.args is command.args; steps.*.before.*.type is check.type. */
function shortPath(path) {
	const named = path.filter(part => part !== '*');
	const last = named.at(-1);
	const parent = named.at(-2);
	if (parent === 'inputs') return `input.${last}`;
	if (parent === 'command') return `command.${last}`;
	if (parent === 'check' || parent === 'before') return `check.${last}`;
	return '';
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	await writeFile(schemaFile, await lessonSchemaText());
	console.log(`wrote ${path.relative(process.cwd(), schemaFile)}`);
}

import * as z from 'zod/mini';
import {useEnglishMessages} from './zod-messages.js';

useEnglishMessages();

/** Text that may hold {variables}, filled in while the lesson runs. */
const template = z.string();

export const registryKinds = ['hub', 'class', 'practice'] as const;
export type RegistryKind = (typeof registryKinds)[number];

const identifier = z.string().check(z.regex(/^[a-z][a-zA-Z0-9]*$/, 'must start with a lowercase letter and hold only letters and digits'));

export const validators = ['hub-username', 'username', 'repository-name', 'tag', 'reference', 'nonempty'] as const;

export const inputSchema = z.strictObject({
	id: identifier,
	label: template,
	kind: z._default(z.enum(['text', 'secret', 'local-image', 'reference']), 'text'),
	validate: z.optional(z.enum(validators)),
	default: z.optional(template),
	help: z.optional(template),
});

export const checkSchema = z.discriminatedUnion('type', [
	z.strictObject({type: z.literal('recorded'), value: template}),
	z.strictObject({type: z.literal('hub-user-exists'), username: template}),
	z.strictObject({type: z.literal('logged-in'), registry: template, username: z.optional(template)}),
	z.strictObject({type: z.literal('local-image'), reference: template}),
	z.strictObject({type: z.literal('same-image'), source: template, target: template}),
	z.strictObject({type: z.literal('valid-reference'), reference: template}),
	z.strictObject({type: z.literal('namespace'), reference: template, username: template}),
	z.strictObject({type: z.literal('manifest'), reference: template}),
	z.strictObject({type: z.literal('tags'), reference: template}),
	/** Before a pull: the name points at the lesson's registry (a name without a host means Docker Hub). */
	z.strictObject({type: z.literal('registry-host'), reference: template, registry: template}),
	/** After a pull: the image is on this computer and is someone else's (another namespace; the lab's author label, where it has one). */
	z.strictObject({type: z.literal('classmate-image'), reference: template, username: template}),
]);

export const commandSchema = z.strictObject({
	/** Arguments after the engine program; an argument that fills in empty is left out. */
	args: z.array(template).check(z.minLength(1)),
	/** Sent on standard input (how secrets reach the engine). */
	stdin: z.optional(template),
	/** The command's shape, for the second hint when the student types it ({engine} push {registryPrefix}USERNAME/...). */
	shape: z.optional(template),
	/** 'layers': show a line per image layer (push, pull). */
	progress: z._default(z.enum(['lines', 'layers']), 'lines'),
	timeoutSeconds: z._default(z.int().check(z.positive(), z.lte(3600)), 600),
});

export const stepSchema = z.strictObject({
	id: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and -')),
	title: template,
	body: template,
	tip: z.optional(template),
	/** Only for these kinds of registry; every kind when absent. */
	registries: z.optional(z.array(z.enum(registryKinds)).check(z.minLength(1))),
	link: z.optional(z.strictObject({label: template, url: template})),
	inputs: z._default(z.array(inputSchema), []),
	/** Variables computed from inputs, in order. */
	derive: z._default(z.record(identifier, template), {}),
	/** Checks that must hold before the command runs (caught before the engine says no). */
	before: z._default(z.array(checkSchema), []),
	command: z.optional(commandSchema),
	check: z.optional(checkSchema),
});

/** A lesson variable's text: one text, or a list of texts of which the first whose variables all have a value is taken. */
const lessonVarText = z.union([template, z.array(template).check(z.minLength(1))]);

/**
 * The lesson's own variables (`vars:`), text made once at the start from the lab's built-in variables:
 * the same text on every registry, or a text per kind of registry (`{hub: …, class: …, practice: …}`;
 * a kind left out is empty). Tips, hints and wording that differ by registry live here, not in the lab.
 */
export const lessonVarSchema = z.union([
	lessonVarText,
	z.strictObject({hub: z.optional(lessonVarText), class: z.optional(lessonVarText), practice: z.optional(lessonVarText)}),
]);

export const lessonSchema = z.strictObject({
	id: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and -')),
	title: z.string().check(z.minLength(1)),
	summary: z._default(z.string(), ''),
	vars: z._default(z.record(identifier, lessonVarSchema), {}),
	steps: z.array(stepSchema).check(z.minLength(1)),
});

export type Lesson = z.infer<typeof lessonSchema>;
export type Step = z.infer<typeof stepSchema>;
export type StepInput = z.infer<typeof inputSchema>;
export type Check = z.infer<typeof checkSchema>;
export type LessonVar = z.infer<typeof lessonVarSchema>;
export type StepCommand = z.infer<typeof commandSchema>;
export type Validator = (typeof validators)[number];

import {z} from 'zod';

/** Text that may hold {variables}, filled in while the lesson runs. */
const template = z.string();

export const registryKinds = ['hub', 'class', 'practice'] as const;
export type RegistryKind = (typeof registryKinds)[number];

const identifier = z.string().regex(/^[a-z][a-zA-Z0-9]*$/, 'must start with a lowercase letter and hold only letters and digits');

export const validators = ['hub-username', 'username', 'repository-name', 'tag', 'reference', 'nonempty'] as const;

export const inputSchema = z.strictObject({
	id: identifier,
	label: template,
	kind: z.enum(['text', 'secret', 'local-image', 'reference']).default('text'),
	validate: z.enum(validators).optional(),
	default: template.optional(),
	help: template.optional(),
});

export const checkSchema = z.discriminatedUnion('type', [
	z.strictObject({type: z.literal('recorded'), value: template}),
	z.strictObject({type: z.literal('hub-user-exists'), username: template}),
	z.strictObject({type: z.literal('logged-in'), registry: template, username: template.optional()}),
	z.strictObject({type: z.literal('local-image'), reference: template}),
	z.strictObject({type: z.literal('same-image'), source: template, target: template}),
	z.strictObject({type: z.literal('valid-reference'), reference: template}),
	z.strictObject({type: z.literal('namespace'), reference: template, username: template}),
	z.strictObject({type: z.literal('manifest'), reference: template}),
	z.strictObject({type: z.literal('tags'), reference: template}),
]);

export const commandSchema = z.strictObject({
	/** Arguments after the engine program; an argument that fills in empty is left out. */
	args: z.array(template).min(1),
	/** Sent on standard input (how secrets reach the engine). */
	stdin: template.optional(),
	/** The command's shape, for the second hint when the student types it ({engine} push {registryPrefix}USERNAME/...). */
	shape: template.optional(),
	/** 'layers': show a line per image layer (push, pull). */
	progress: z.enum(['lines', 'layers']).default('lines'),
	timeoutSeconds: z.number().int().positive().max(3600).default(600),
});

export const stepSchema = z.strictObject({
	id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and -'),
	title: template,
	body: template,
	tip: template.optional(),
	/** Only for these kinds of registry; every kind when absent. */
	registries: z.array(z.enum(registryKinds)).min(1).optional(),
	link: z.strictObject({label: template, url: template}).optional(),
	inputs: z.array(inputSchema).default([]),
	/** Variables computed from inputs, in order. */
	derive: z.record(identifier, template).default({}),
	/** Checks that must hold before the command runs (caught before the engine says no). */
	before: z.array(checkSchema).default([]),
	command: commandSchema.optional(),
	check: checkSchema.optional(),
});

export const lessonSchema = z.strictObject({
	id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and -'),
	title: z.string().min(1),
	summary: z.string().default(''),
	steps: z.array(stepSchema).min(1),
});

export type Lesson = z.infer<typeof lessonSchema>;
export type Step = z.infer<typeof stepSchema>;
export type StepInput = z.infer<typeof inputSchema>;
export type Check = z.infer<typeof checkSchema>;
export type StepCommand = z.infer<typeof commandSchema>;
export type Validator = (typeof validators)[number];

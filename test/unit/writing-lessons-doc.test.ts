import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {checkFacts} from '../../src/lesson/check-facts.js';
import {builtInVariables} from '../../src/lesson/parse.js';
import {lessonSchema, validators} from '../../src/lesson/schema.js';

// docs/writing-lessons.md is the lesson writer's reference: everything a lesson may hold is in it.
const doc = readFileSync(new URL('../../docs/writing-lessons.md', import.meta.url), 'utf8');

type Def = {
	type: string;
	shape?: Record<string, {_zod: {def: Def}}>;
	element?: {_zod: {def: Def}};
	innerType?: {_zod: {def: Def}};
	valueType?: {_zod: {def: Def}};
	options?: {_zod: {def: Def}}[];
};

/** Every field name of the lesson schema, nested ones included (each check type's too). */
function fieldsOf(def: Def, found = new Set<string>()): Set<string> {
	for (const [name, child] of Object.entries(def.shape ?? {})) {
		found.add(name);
		fieldsOf(child._zod.def, found);
	}
	for (const inner of [def.element, def.innerType, def.valueType]) if (inner) fieldsOf(inner._zod.def, found);
	for (const option of def.options ?? []) fieldsOf(option._zod.def, found);
	return found;
}

describe('docs/writing-lessons.md', () => {
	it('names every field of the lesson schema', () => {
		const fields = [...fieldsOf((lessonSchema as unknown as {_zod: {def: Def}})._zod.def)];
		expect(fields.length).toBeGreaterThan(20);
		expect(fields.filter(field => !doc.includes(`\`${field}\``))).toEqual([]);
	});

	it('names every check type with its facts, every validator and every built-in variable', () => {
		for (const [type, facts] of Object.entries(checkFacts)) {
			expect(doc, type).toContain(`| \`${type}\` |`);
			for (const fact of facts) expect(doc, `${type}: {${fact}}`).toContain(`\`{${fact}}\``);
		}
		for (const validator of validators) expect(doc, validator).toContain(`| \`${validator}\` |`);
		for (const name of builtInVariables) expect(doc, name).toContain(`\`${name}\``);
	});
});

import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {readdir} from 'node:fs/promises';
import {describe, expect, it} from 'vitest';
import {checkFacts} from '../../src/lesson/check-facts.js';
import {builtInLessonsDir} from '../../src/lesson/load.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const {lessonSchemaText, schemaFile} = (await import(pathToFileURL(path.join(repo, 'scripts', 'lesson-schema.mjs')).href)) as {
	lessonSchemaText: () => Promise<string>;
	schemaFile: string;
};

describe('lessons/lesson.schema.json', () => {
	it('is what the lesson schema makes now (npm run schema writes it again)', async () => {
		const committed = await readFile(schemaFile, 'utf8');
		const now = await lessonSchemaText();
		expect(committed === now, 'lessons/lesson.schema.json is out of date with src/lesson/schema.ts: run `npm run schema` and commit it').toBe(true);
	});

	it('describes every check type with the facts it adds', async () => {
		const text = await readFile(schemaFile, 'utf8');
		for (const [type, facts] of Object.entries(checkFacts)) {
			expect(text, type).toContain(`"const": "${type}"`);
			for (const fact of facts) expect(text, `${type}: {${fact}}`).toContain(`{${fact}}`);
		}
	});

	it('is named on the first line of every lesson that ships, for the editor', async () => {
		const dir = builtInLessonsDir();
		const names = (await readdir(dir)).filter(name => /\.ya?ml$/.test(name));
		expect(names.length).toBeGreaterThan(0);
		for (const name of names) {
			const first = (await readFile(path.join(dir, name), 'utf8')).split('\n')[0];
			expect(first, name).toBe('# yaml-language-server: $schema=./lesson.schema.json');
		}
	});
});

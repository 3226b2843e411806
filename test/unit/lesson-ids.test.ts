import {readdir, readFile} from 'node:fs/promises';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {builtInLessonsDir, loadLessons} from '../../src/lesson/load.js';

/** Every source file under src/. */
async function sources(dir = 'src'): Promise<string[]> {
	const entries = await readdir(dir, {withFileTypes: true});
	const files = await Promise.all(
		entries.map(entry => (entry.isDirectory() ? sources(path.join(dir, entry.name)) : Promise.resolve([path.join(dir, entry.name)]))),
	);
	return files.flat().filter(file => /\.(ts|tsx|mjs|js)$/.test(file));
}

/** How a lesson id shows up in code that depends on one lesson: as a string, in a command line, as a default, as a file. */
function mentions(text: string, id: string): string[] {
	const word = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	const pattern = new RegExp(`['"\`]${word}['"\`]|--lesson[ =]${word}\\b|reset ${word}\\b|default:? ${word}\\b|\\b${word}\\.ya?ml\\b`);
	return text.split('\n').filter(line => pattern.test(line));
}

describe('no lesson id in the TypeScript', () => {
	it('the matcher finds the ways an id was written before', () => {
		expect(mentions("return lessons.find(lesson => lesson.id === 'registries')?.id;", 'registries')).toHaveLength(1);
		expect(mentions("lesson: {type: 'string', default: 'registries'},", 'registries')).toHaveLength(1);
		expect(mentions('    --lesson ID|FILE      the lesson to run (default: registries; with several', 'registries')).toHaveLength(1);
		expect(mentions('    $ registry-lab reset registries --yes', 'registries')).toHaveLength(1);
		expect(mentions('the registry is listed in "insecure-registries" on class registries', 'registries')).toEqual([]);
	});

	it('no file under src/ names a bundled lesson: a second lesson, or an instructor’s own, gets no less', async () => {
		const ids = (await loadLessons(builtInLessonsDir())).flatMap(result => (result.ok ? [result.lesson.id] : []));
		expect(ids).toContain('registries');
		const found: string[] = [];
		for (const file of await sources()) {
			const text = await readFile(file, 'utf8');
			for (const id of ids) for (const line of mentions(text, id)) found.push(`${file}: ${line.trim()}`);
		}
		expect(found).toEqual([]);
	});
});

import {setFlagsFromString} from 'node:v8';
import {runInNewContext} from 'node:vm';

/**
 * V8 settings for the lab's long-lived process (interactive and plain), measured by
 * `npm run bench` against the 80 MB budget (docs/ARCHITECTURE.md): thirty students run this at once on school laptops.
 *
 * - `--semi-space-growth-factor=1`: the young generation stays at its first size (2 MB) instead
 *   of growing to 32 MB, pages that would stay in the process's memory for nothing.
 * - `--no-opt`, `--no-maglev`, `--liftoff-only`: no optimizing compilers for JavaScript or for
 *   Ink's layout engine (WebAssembly). Nothing here is hot enough to gain from them, and their
 *   background compilations cost several MB at a time, and CPU too (measured: 0.16 s of CPU for
 *   a 200 MB push with them off, 0.20-0.28 s with them on). bcrypt, the one hot loop, hashes
 *   at a low cost (registry/htpasswd.ts).
 * - `--expose-gc`, to collect the old generation at calm moments (tidyMemory): V8 leaves it to
 *   grow to a limit this process never reaches, so each redraw's garbage would stay resident.
 *
 * These flags cannot go in NODE_OPTIONS; setting them at run time is what Node's
 * v8.setFlagsFromString is for. Only on Node.js 20 to 24, whose V8 knows every one of them
 * (checked on 20, 22 and 24): V8 prints an unknown flag on the terminal, where the student would see it.
 */
const flags = ['--semi-space-growth-factor=1', '--no-opt', '--no-maglev', '--liftoff-only', '--expose-gc'];
const measuredMajors = {from: 20, to: 24};

let collect: (() => void) | undefined;

export function enableLeanHeap(): void {
	if (collect) return;
	const major = Number(process.versions.node.split('.')[0]);
	if (major < measuredMajors.from || major > measuredMajors.to) return;
	for (const flag of flags) setFlagsFromString(flag);
	// --expose-gc puts gc() on contexts made after it is set, such as this one.
	collect = runInNewContext('gc') as () => void;
}

/** A full collection now (a few ms), if enableLeanHeap() was called; else nothing. */
export function tidyMemory(): void {
	collect?.();
}

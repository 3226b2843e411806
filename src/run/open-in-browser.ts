import {spawn} from 'node:child_process';
import os from 'node:os';

/** A program that hands an address to the desktop's browser, and its arguments (never a shell). */
export type Opener = {readonly file: string; readonly args: readonly string[]};

/** An opener still running this long has started something: xdg-open may stay for as long as the browser it ran. */
const startedAfterMs = 1000;

/** Linux under Windows (WSL 1 and 2): its kernel names Microsoft. */
export function isWsl(release: string = os.release()): boolean {
	return /microsoft/i.test(release);
}

/**
 * The programs that may open `url` here, to be tried in order; none when it is not an http or https address
 * (the address comes from a lesson: a file, a script or another scheme is never opened). The address goes as
 * one argument, normalised by the URL parser (no spaces or quotes left in it). On Windows, rundll32 passes it
 * to the default browser with no command interpreter in the way: `cmd /c start` would read `&` and expand
 * `%NAME%` in it.
 */
export function browserOpeners(url: string, platform: NodeJS.Platform = process.platform, wsl: boolean = platform === 'linux' && isWsl()): Opener[] {
	let href: string;
	try {
		const parsed = new URL(url);
		if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return [];
		href = parsed.href;
	} catch {
		return [];
	}
	const windows = (file: string): Opener => ({file, args: ['url.dll,FileProtocolHandler', href]});
	if (platform === 'win32') return [windows('rundll32')];
	if (platform === 'darwin') return [{file: 'open', args: [href]}];
	const xdg = {file: 'xdg-open', args: [href]};
	// wslview (wslu) opens Windows' default browser; rundll32.exe is reached through WSL's Windows interop.
	return wsl ? [{file: 'wslview', args: [href]}, windows('rundll32.exe'), xdg] : [xdg];
}

/** Start one opener, detached; true when it finished well or is still running, false when it could not start or failed. */
function tryOpener({file, args}: Opener): Promise<boolean> {
	return new Promise(resolve => {
		let child: ReturnType<typeof spawn>;
		try {
			child = spawn(file, [...args], {detached: true, stdio: 'ignore', windowsHide: true});
		} catch {
			resolve(false);
			return;
		}
		// The first of these answers; the child is let go either way (the app may quit while a browser it started runs).
		const settle = (opened: boolean): void => {
			clearTimeout(timer);
			child.unref();
			resolve(opened);
		};
		const timer = setTimeout(() => settle(true), startedAfterMs);
		child.on('error', () => settle(false));
		child.on('exit', code => settle(code === 0));
	});
}

/** Open an address in the student's browser; false when none could be opened (no desktop, an SSH session). */
export async function openInBrowser(url: string): Promise<boolean> {
	for (const opener of browserOpeners(url)) if (await tryOpener(opener)) return true;
	return false;
}

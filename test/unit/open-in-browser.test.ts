import {chmod, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {browserOpeners, isWsl, openInBrowser} from '../../src/run/open-in-browser.js';

const signUp = 'https://hub.docker.com/signup?redirect=/repositories&x=$(touch${IFS}pwned);y=%PATH%';

describe('which program opens an address', () => {
	it('is xdg-open on Linux, open on macOS, rundll32 on Windows, each with the address as one argument', () => {
		expect(browserOpeners(signUp, 'linux', false)).toEqual([{file: 'xdg-open', args: [signUp]}]);
		expect(browserOpeners(signUp, 'freebsd', false)).toEqual([{file: 'xdg-open', args: [signUp]}]);
		expect(browserOpeners(signUp, 'darwin', false)).toEqual([{file: 'open', args: [signUp]}]);
		expect(browserOpeners(signUp, 'win32', false)).toEqual([{file: 'rundll32', args: ['url.dll,FileProtocolHandler', signUp]}]);
	});

	it("tries Windows' browser first under WSL, then xdg-open", () => {
		expect(browserOpeners(signUp, 'linux', true).map(opener => opener.file)).toEqual(['wslview', 'rundll32.exe', 'xdg-open']);
		expect(isWsl('5.15.167.4-microsoft-standard-WSL2')).toBe(true);
		expect(isWsl('4.4.0-19041-Microsoft')).toBe(true);
		expect(isWsl('6.8.0-45-generic')).toBe(false);
	});

	it('passes the address as the URL parser writes it: no space or quote reaches a Windows command line', () => {
		const [opener] = browserOpeners('https://example.com/a b?q="x" y', 'win32', false);
		expect(opener?.args).toEqual(['url.dll,FileProtocolHandler', 'https://example.com/a%20b?q=%22x%22%20y']);
	});

	it('opens only http and https addresses', () => {
		for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'ftp://example.com/', 'C:\\Windows\\notepad.exe', '/bin/sh', 'not a url', '']) {
			expect(browserOpeners(url, 'linux', false)).toEqual([]);
			expect(browserOpeners(url, 'win32', false)).toEqual([]);
		}
		expect(browserOpeners('http://127.0.0.1:5000/v2/', 'linux', false)).toHaveLength(1);
	});
});

// The real thing on this machine (Linux), with a stand-in xdg-open on PATH that notes what it was given.
describe.runIf(process.platform === 'linux' && !isWsl())('opening an address', () => {
	let bin = '';
	let savedPath: string | undefined;
	const note = (): string => path.join(bin, 'note');
	const fakeOpener = async (body: string): Promise<void> => {
		const file = path.join(bin, 'xdg-open');
		await writeFile(file, `#!/bin/sh\nprintf '%s\\n' "$$" "$#" "$1" > '${note()}'\n${body}\n`);
		await chmod(file, 0o755);
	};
	const noted = async (): Promise<{pid: number; count: string; url: string}> => {
		const [pid, count, url] = (await readFile(note(), 'utf8')).split('\n');
		return {pid: Number(pid), count: count ?? '', url: url ?? ''};
	};

	beforeEach(async () => {
		bin = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-open-'));
		savedPath = process.env.PATH;
		process.env.PATH = bin;
	});
	afterEach(async () => {
		process.env.PATH = savedPath;
		await rm(bin, {recursive: true, force: true});
	});

	it('runs the opener with the address as its one argument, and says it opened', async () => {
		await fakeOpener('exit 0');
		expect(await openInBrowser(signUp)).toBe(true);
		expect(await noted()).toMatchObject({count: '1', url: signUp});
	});

	it('says it opened when the opener stays, as xdg-open does while the browser it ran is open', async () => {
		await fakeOpener(`exec '${process.execPath}' -e 'setTimeout(() => {}, 30000)'`);
		expect(await openInBrowser('http://127.0.0.1:5000/')).toBe(true);
		const {pid} = await noted();
		process.kill(pid, 'SIGTERM');
	});

	it('says no browser could be opened when the opener fails (no desktop)', async () => {
		await fakeOpener('echo "xdg-open: no method available for opening" >&2; exit 3');
		expect(await openInBrowser(signUp)).toBe(false);
		expect((await noted()).url).toBe(signUp);
	});

	it('says no browser could be opened when there is no opener at all', async () => {
		expect(await openInBrowser(signUp)).toBe(false);
	});

	it('never runs anything for an address that is not http or https', async () => {
		await fakeOpener('exit 0');
		expect(await openInBrowser('file:///etc/passwd')).toBe(false);
		await expect(readFile(note(), 'utf8')).rejects.toThrow();
	});
});

/** Open an address in the student's browser; false when none could be opened (no desktop, an SSH session). */
export async function openInBrowser(url: string): Promise<boolean> {
	try {
		const {default: open} = await import('open');
		const child = await open(url, {wait: false});
		return await new Promise(resolve => {
			child.once('error', () => resolve(false));
			child.once('spawn', () => resolve(true));
			setTimeout(() => resolve(child.pid !== undefined), 500);
		});
	} catch {
		return false;
	}
}

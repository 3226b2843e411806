/** What the engine prints per image layer while pushing or pulling, reduced to one status a layer. */
export type LayerStatus = {readonly id: string; readonly status: string; readonly done: boolean};

const layerLine = /^([0-9a-f]{12}): (.+)$/;
const doneWords = /^(Pushed|Layer already exists|Pull complete|Already exists|Mounted from .+|Download complete)$/;

export function layerStatuses(lines: readonly string[]): LayerStatus[] {
	const byId = new Map<string, LayerStatus>();
	for (const line of lines) {
		const match = layerLine.exec(line.trim());
		if (!match) continue;
		const [, id = '', status = ''] = match;
		byId.set(id, {id, status, done: doneWords.test(status)});
	}
	return [...byId.values()];
}

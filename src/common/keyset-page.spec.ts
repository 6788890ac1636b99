import { keysetPage } from './keyset-page.js';

describe('keysetPage', () => {
  const rows = [{ id: 1 }, { id: 2 }, { id: 3 }];

  it('cuts the extra row and starts the next page after the last row kept', () => {
    expect(keysetPage(rows, 2, (row) => row.id)).toEqual({ rows: [{ id: 1 }, { id: 2 }], nextKey: 2 });
  });

  it('has no next page when the query returned no extra row', () => {
    expect(keysetPage(rows, 3, (row) => row.id)).toEqual({ rows, nextKey: null });
    expect(keysetPage([], 3, (row: { id: number }) => row.id)).toEqual({ rows: [], nextKey: null });
  });
});

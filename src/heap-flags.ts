/*
 * V8 flags for the service's processes, set before any other module loads (main.ts imports this first; cluster
 * workers run main.ts too).
 *
 * Allocation-site pretenuring off. V8 watches where objects are made and, once ~85% of a site's objects survive
 * a young collection, allocates everything from that site directly in the old generation, for good: it does not
 * go back when the site's objects later die young. The warm-up (database/warm-up.ts) runs a few thousand queries
 * back to back at boot, and at the first young collection under load ~96% of the objects from pg's per-query
 * result site were still alive, so the site was pretenured. From then on every request's result rows went
 * straight to the old generation as garbage, and V8 sized that generation for it: `npm run bench:soak` levelled
 * off at ~890 MiB for the three processes against ~470 without the warm-up (docs/performance.md, "Memory under
 * sustained load"). Without pretenuring the same soak, warm-up included, holds the old band at the same req/s.
 * A server whose objects nearly all live for one request has little to gain from pretenuring and, as here, much
 * to lose from a wrong guess.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--no-allocation-site-pretenuring');

// A minimal in-memory SCIM 2.0 server: SCIMMY 1.3.5 and scimmy-routers 1.3.2 on express 4, for
// the harness's interop matrix (interop/run). SCIMMY leaves storage to the application, so this
// file holds users and groups in memory; everything else (routing, filters, PATCH, errors,
// discovery) is SCIMMY's own. The userName uniqueness check is ours too: SCIMMY does not do it.
// Env: PORT (default 8082), SCIM_TOKEN (default "s3cret"). Base URL: http://127.0.0.1:$PORT/scim/v2
const crypto = require("node:crypto");
const express = require("express");
const {SCIMMY, SCIMMYRouters} = require("scimmy-routers"); // same SCIMMY instance the routers use

const PORT = Number(process.env.PORT ?? 8082);
const TOKEN = process.env.SCIM_TOKEN ?? "s3cret";
const notFound = (id) => new SCIMMY.Types.Error(404, null, `Resource ${id} not found`);

function declare(Resource, unique) {
    const store = new Map();
    SCIMMY.Resources.declare(Resource)
        .egress((res) => {
            const all = [...store.values()];
            const found = res.filter ? res.filter.match(all) : all; // SCIMMY's own filter matcher
            if (res.id && !found.length) throw notFound(res.id);
            return res.id ? found[0] : found;
        })
        .ingress((res, data) => {
            const prev = res.id ? store.get(res.id) : undefined;
            if (res.id && !prev) throw notFound(res.id);
            const rec = JSON.parse(JSON.stringify(data)); // coerced, inbound-filtered copy
            const key = unique && String(rec[unique] ?? "").toLowerCase();
            if (unique && [...store.values()].some((r) => r.id !== res.id && String(r[unique]).toLowerCase() === key))
                throw new SCIMMY.Types.Error(409, "uniqueness", `${unique} "${rec[unique]}" already in use`);
            const now = new Date().toISOString();
            rec.id = res.id ?? crypto.randomUUID();
            rec.meta = {created: prev?.meta.created ?? now, lastModified: now}; // resourceType/location added by SCIMMY
            store.set(rec.id, rec);
            return rec;
        })
        .degress((res) => {
            if (!store.delete(res.id)) throw notFound(res.id);
        });
}

declare(SCIMMY.Resources.User, "userName"); // must happen before new SCIMMYRouters()
SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false);
declare(SCIMMY.Resources.Group);

const app = express();
app.set("etag", false); // express would add body-hash ETags (and 304s) that contradict etag.supported=false
app.use("/scim/v2", new SCIMMYRouters({
    type: "bearer",
    handler: (req) => {
        if (req.header("Authorization") !== `Bearer ${TOKEN}`) throw new Error("Invalid or missing bearer token");
    },
    baseUri: (req) => `${req.protocol}://${req.get("host")}`, // absolute meta.location
}));
const server = app.listen(PORT, "127.0.0.1", () => console.log(`SCIMMY listening on http://127.0.0.1:${PORT}/scim/v2`));
// Node closes a connection idle for 5 s by default; a request the harness sends on it at that
// moment gets no answer, which would be this wrapper's fault, not SCIMMY's.
server.keepAliveTimeout = 65000;

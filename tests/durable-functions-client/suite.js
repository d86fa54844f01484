// Drives a Baton node with the official Durable Functions Node.js client (durable-functions 3.5.0), unmodified, through
// every operation it has. Usage: node suite.js <base URL of the node, e.g. http://127.0.0.1:5000>
// It prints "ok <operation>" per step and a last line "durable-functions client: N operations passed"; on the first
// failure it prints the error and exits with 1. DurableFunctionsClientTests runs it against a node on loopback.
"use strict";

const assert = require("node:assert/strict");
const df = require("durable-functions");

const base = new URL(process.argv[2]);
// The client rewrites URLs to http://localhost:7071 unless it believes it runs in a Functions app with this host name.
process.env.WEBSITE_HOSTNAME = base.host;

const hub = "Baton";
const webhooks = new URL("runtime/webhooks/durabletask", base).href;
const query = `taskHub=${hub}&connection=Storage`;
const placeholder = "INSTANCEID";
const instance = `${webhooks}/instances/${placeholder}`;

// What the Functions host hands the client binding, built from the management URIs Baton hands out for an instance.
const clientData = {
    taskHubName: hub,
    creationUrls: {
        createNewInstancePostUri: `${webhooks}/orchestrators/{functionName}[/{instanceId}]`,
        createAndWaitOnNewInstancePostUri: `${webhooks}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}`,
    },
    managementUrls: {
        id: placeholder,
        statusQueryGetUri: `${instance}?${query}`,
        sendEventPostUri: `${instance}/raiseEvent/{eventName}?${query}`,
        terminatePostUri: `${instance}/terminate?reason={text}&${query}`,
        rewindPostUri: `${instance}/rewind?reason={text}&${query}`,
        purgeHistoryDeleteUri: `${instance}?${query}`,
        restartPostUri: `${instance}/restart?${query}`,
        suspendPostUri: `${instance}/suspend?reason={text}&${query}`,
        resumePostUri: `${instance}/resume?reason={text}&${query}`,
    },
    baseUrl: webhooks,
    requiredQueryStringParameters: query,
};

// The client binding as a function app would declare it, and the invocation context that carries its data.
const binding = df.input.durableClient();
const client = df.getClient({ options: { extraInputs: [binding] }, extraInputs: { get: () => clientData } });

/** A client bound to another task hub, as a function app of that hub gets it: Baton serves each task hub as a namespace. */
function clientFor(hubName) {
    const hubQuery = `taskHub=${hubName}&connection=Storage`;
    const data = {
        ...clientData,
        taskHubName: hubName,
        creationUrls: {
            createNewInstancePostUri: `${clientData.creationUrls.createNewInstancePostUri}?${hubQuery}`,
            createAndWaitOnNewInstancePostUri: `${clientData.creationUrls.createAndWaitOnNewInstancePostUri}&${hubQuery}`,
        },
        managementUrls: Object.fromEntries(Object.entries(clientData.managementUrls).map(([name, url]) => [name, url.replace(query, hubQuery)])),
        requiredQueryStringParameters: hubQuery,
    };
    return df.getClient({ options: { extraInputs: [binding] }, extraInputs: { get: () => data } });
}

const run = `n${Date.now().toString(36)}`;
let passed = 0;

async function step(name, body) {
    await body();
    passed++;
    console.log(`ok ${name}`);
}

/** Polls the status until it is one of `statuses` (30 s at most): the client itself has no wait without an HTTP request. */
async function until(instanceId, ...statuses) {
    const deadline = Date.now() + 30_000;
    for (;;) {
        const status = await client.getStatus(instanceId);
        if (statuses.includes(status.runtimeStatus)) {
            return status;
        }
        if (Date.now() > deadline) {
            throw new Error(`${instanceId} is ${status.runtimeStatus}, not ${statuses.join(" or ")}, after 30 s`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
}

async function rejects(promise, pattern) {
    let error;
    try {
        await promise;
    } catch (e) {
        error = e;
    }
    assert.ok(error, `expected a rejection matching ${pattern}`);
    assert.match(String(error.message), pattern);
    assert.doesNotMatch(String(error.message), /\[object Object\]/);
}

const S = df.OrchestrationRuntimeStatus;

async function main() {
    await step("startNew without input", async () => {
        const id = await client.startNew("OptionalInput");
        assert.equal((await until(id, S.Completed)).output, "none");
    });

    const gate = `${run}-gate`;
    await step("startNew with id and input, getStatus", async () => {
        assert.equal(await client.startNew("WaitsForGo", { instanceId: gate, input: "in" }), gate);
        const status = await until(gate, S.Running);
        assert.equal(status.name, "WaitsForGo");
        assert.equal(status.instanceId, gate);
        assert.equal(status.input, "in");
    });

    await step("startNew on a running instance's id is refused", async () => {
        await rejects(client.startNew("WaitsForGo", { instanceId: gate, input: "again" }), /409/);
    });

    await step("raiseEvent", async () => {
        await client.raiseEvent(gate, "go", "now");
        assert.equal((await until(gate, S.Completed)).output, "in:now");
    });

    await step("getStatus with showHistory, showHistoryOutput and showInput=false", async () => {
        // The client keeps a field "history" that the Durable Functions HTTP API does not have (it answers "historyEvents",
        // as Baton does), so the history itself is not visible through it; the request's shape and answer are.
        const status = await client.getStatus(gate, { showHistory: true, showHistoryOutput: true, showInput: false });
        assert.equal(status.runtimeStatus, S.Completed);
        assert.equal(status.input, null);
        assert.equal(status.output, "in:now");
    });

    await step("startNew on a finished instance's id re-creates it", async () => {
        await client.startNew("WaitsForGo", { instanceId: gate, input: "second" });
        assert.equal((await until(gate, S.Running)).input, "second");
    });

    await step("suspend, suspend again, resume, resume again", async () => {
        await client.suspend(gate, "maintenance");
        await until(gate, S.Suspended);
        await client.suspend(gate, "twice");
        await client.resume(gate, "done");
        await until(gate, S.Running);
        await client.resume(gate, "running already");
        assert.equal((await client.getStatus(gate)).runtimeStatus, S.Running);
    });

    await step("terminate, then terminate the terminated", async () => {
        await client.terminate(gate, "no longer needed");
        const status = await until(gate, S.Terminated);
        assert.match(JSON.stringify(status.output), /no longer needed/);
        await client.terminate(gate, "again"); // 410: the client resolves
    });

    const failing = `${run}-fails`;
    await step("a failed instance's output is its failure message", async () => {
        await client.startNew("FailsFirstTime", { instanceId: failing, input: failing });
        const status = await until(failing, S.Failed);
        assert.match(String(status.output), /first attempt of/);
    });

    await step("rewind a failed instance", async () => {
        await client.rewind(failing, "retry it");
        assert.equal((await until(failing, S.Completed)).output, `done ${failing}`);
    });

    await step("rewind a completed instance is refused with a readable message", async () => {
        await rejects(client.rewind(failing, "again"), /Failed|rewind/i);
    });

    await step("getStatus of an unknown instance", async () => {
        await rejects(client.getStatus(`${run}-nobody`), /404/);
    });

    await step("raiseEvent to an unknown instance", async () => {
        await rejects(client.raiseEvent(`${run}-nobody`, "go", 1), /No instance/);
    });

    const batch = [];
    await step("getStatusAll follows continuation tokens past a page", async () => {
        const since = new Date(Date.now() - 1000);
        for (let i = 0; i < 105; i++) {
            batch.push(await client.startNew("OptionalInput", { instanceId: `${run}-page-${i}`, input: `${i}` }));
        }
        await Promise.all(batch.map((id) => until(id, S.Completed)));
        const all = await client.getStatusAll();
        const ids = new Set(all.map((s) => s.instanceId));
        assert.equal(ids.size, all.length, "no instance listed twice");
        for (const id of batch) {
            assert.ok(ids.has(id), `${id} is listed`);
        }
        const completed = await client.getStatusBy({ createdTimeFrom: since, runtimeStatus: [S.Completed] });
        assert.equal(completed.filter((s) => s.instanceId.startsWith(`${run}-page-`)).length, batch.length);
        assert.ok(completed.every((s) => s.runtimeStatus === S.Completed));
        const none = await client.getStatusBy({ createdTimeFrom: since, runtimeStatus: [S.Canceled, S.ContinuedAsNew] });
        assert.equal(none.filter((s) => s.instanceId.startsWith(`${run}-page-`)).length, 0);
    });

    await step("purgeInstanceHistory", async () => {
        assert.equal((await client.purgeInstanceHistory(batch[0])).instancesDeleted, 1);
        assert.equal((await client.purgeInstanceHistory(batch[0])).instancesDeleted, 0);
        await rejects(client.getStatus(batch[0]), /404/);
    });

    await step("purgeInstanceHistoryBy", async () => {
        const result = await client.purgeInstanceHistoryBy({
            createdTimeFrom: new Date(Date.now() - 3_600_000),
            runtimeStatus: [S.Completed, S.Terminated],
        });
        assert.ok(result.instancesDeleted >= batch.length - 1, `${result.instancesDeleted} purged`);
        await rejects(client.getStatus(batch[1]), /404/);
    });

    await step("createCheckStatusResponse and createHttpManagementPayload", async () => {
        const payload = client.createHttpManagementPayload("abc");
        assert.equal(payload.id, "abc");
        assert.equal(payload.statusQueryGetUri, `${webhooks}/instances/abc?${query}`);
        const response = client.createCheckStatusResponse({ url: `${base.origin}/api/start` }, "abc");
        assert.equal(response.status, 202);
        assert.equal(response.headers.get("location"), `${webhooks}/instances/abc?${query}`);
    });

    await step("waitForCompletionOrCreateCheckStatusResponse", async () => {
        const id = await client.startNew("OptionalInput", { input: "waited" });
        const response = await client.waitForCompletionOrCreateCheckStatusResponse({ url: `${base.origin}/api/start` }, id, {
            timeoutInMilliseconds: 20_000,
            retryIntervalInMilliseconds: 200,
        });
        assert.equal(response.status, 200);
        assert.equal(await response.json(), "waited");
    });

    await step("signalEntity and readEntityState", async () => {
        const entity = new df.EntityId("counter", "node-one");
        assert.equal((await client.readEntityState(entity)).entityExists, false);
        await client.signalEntity(entity, "add", 2);
        await client.signalEntity(entity, "add", 3);
        const deadline = Date.now() + 20_000;
        let state = await client.readEntityState(entity);
        while (!(state.entityExists && state.entityState === 5) && Date.now() < deadline) {
            await new Promise((resolve) => setTimeout(resolve, 100));
            state = await client.readEntityState(entity);
        }
        assert.deepEqual([state.entityExists, state.entityState], [true, 5]);
    });

    await step("another task hub is a namespace of its own: same ids, own statuses, events sent across hubs", async () => {
        const lab = clientFor("lab");
        const id = `${run}-hub`;
        await client.startNew("WaitsForGo", { instanceId: id, input: "baton" });
        await lab.startNew("WaitsForGo", { instanceId: id, input: "lab" });
        await client.raiseEvent(id, "go", "sent from Baton", { taskHubName: "lab" });
        const deadline = Date.now() + 30_000;
        let status = await lab.getStatus(id);
        while (status.runtimeStatus !== "Completed" && Date.now() < deadline) {
            await new Promise((resolve) => setTimeout(resolve, 100));
            status = await lab.getStatus(id);
        }
        assert.equal(status.output, "lab:sent from Baton");
        assert.equal((await client.getStatus(id)).runtimeStatus, "Running");
        const listed = await lab.getStatusAll();
        assert.deepEqual(listed.map((s) => s.instanceId), [id]);
        await client.terminate(id, "done");
    });

    console.log(`durable-functions client: ${passed} operations passed`);
}

main().catch((error) => {
    console.error(`not ok after ${passed} operations: ${error.stack || error}`);
    process.exit(1);
});

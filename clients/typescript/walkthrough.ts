// Both state machines end to end against a live server, typed only by the types that
// `npx openapi-typescript ../../openapi/openapi.json --output schema.d.ts` generates (default options),
// through openapi-fetch. Run by scripts/proof-client.sh against a server with the demo world:
//   API_ORIGIN=http://127.0.0.1:8000 node dist/walkthrough.js
// Exits non-zero on the first unexpected status.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type Schemas = components["schemas"];
type Client = ReturnType<typeof createClient<paths>>;

const origin = process.env.API_ORIGIN ?? "http://127.0.0.1:8000";
const password = process.env.DEMO_PASSWORD ?? "Demo-pass-2026";
let steps = 0;

class UnexpectedStatus extends Error {}

/** The data of a response with the expected status; anything else stops the walk-through. */
function expect<T>(step: string, wanted: number, result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.status !== wanted || result.data === undefined) {
    throw new UnexpectedStatus(
      `${step}: expected ${wanted}, got ${result.response.status} ${JSON.stringify(result.error ?? result.data)}`,
    );
  }
  steps += 1;
  console.log(`ok ${steps} - ${step} (${wanted})`);
  return result.data;
}

/** A client signed in as a demo user (OAuth2 password grant, form-encoded as the contract says). */
async function signIn(username: string): Promise<Client> {
  const anonymous = createClient<paths>({ baseUrl: origin });
  const token = expect(
    `sign in as ${username}`,
    200,
    await anonymous.POST("/api/v1/auth/token", {
      body: { grant_type: "password", username, password },
      bodySerializer: formEncoded,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    }),
  );
  return createClient<paths>({ baseUrl: origin, headers: { Authorization: `Bearer ${token.access_token}` } });
}

/** An OAuth2 form body: the fields that are set, as application/x-www-form-urlencoded. */
function formEncoded(body: Record<string, string | null | undefined> | undefined): URLSearchParams {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(body ?? {})) if (value != null) form.set(key, value);
  return form;
}

/** If-Match for the version a client last read (API.md: ETag is `"<version>"`). */
function ifMatch(version: number): { "If-Match": string } {
  return { "If-Match": `"${version}"` };
}

async function unitId(client: Client, code: string): Promise<string> {
  const units = expect(`find the unit ${code}`, 200, await client.GET("/api/v1/org-units", { params: { query: { limit: 200 } } }));
  const unit = units.items.find((u) => u.code === code);
  if (unit === undefined) throw new UnexpectedStatus(`no org unit ${code}`);
  return unit.id;
}

function today(): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
}

async function dispute(): Promise<void> {
  const grid = await signIn("demo_grid_worker");
  const staff = await signIn("demo_community_staff");
  const secretary = await signIn("demo_community_secretary");
  const mediator = await signIn("demo_mediator");
  const judicial = await signIn("demo_judicial_officer");
  const community = await unitId(staff, "demo-c-jinse");
  const gridId = await unitId(staff, "demo-g-jinse-1");

  let d: Schemas["DisputeRead"] = expect(
    "dispute reported",
    201,
    await grid.POST("/api/v1/disputes", {
      body: {
        community_id: community,
        grid_id: gridId,
        channel: "grid_patrol",
        category: "property_management",
        title: "物业费纠纷",
        description: "业主认为服务不到位, 拒缴物业费",
        parties: [
          { name: "张三", role: "applicant", phone: "13812345678", id_number: "310105194912310027" },
          { name: "某物业公司", role: "respondent" },
        ],
      },
    }),
  );
  const id = d.id;
  const path = { item_id: id };
  const status = expect(
    "public status by tracking code",
    200,
    await createClient<paths>({ baseUrl: origin }).GET("/api/v1/public/disputes/{tracking_code}", {
      params: { path: { tracking_code: d.tracking_code } },
    }),
  );
  if (status.state !== "reported") throw new UnexpectedStatus(`public state ${status.state}`);

  d = expect("dispute accepted", 200, await staff.POST("/api/v1/disputes/{item_id}/actions/accept", {
    params: { path, header: ifMatch(d.version) },
    body: {},
  }));
  d = expect("dispute screened (三查三问)", 200, await staff.POST("/api/v1/disputes/{item_id}/actions/complete_screening", {
    params: { path, header: ifMatch(d.version) },
    body: {
      background: "业主认为物业服务不到位",
      demands: "减免部分物业费",
      risks: "可能引发群体性拒缴",
      asked_party: "已问当事人",
      asked_neighbors: "已问邻居",
      asked_related_parties: "已问物业公司",
      risk_level: "medium",
      track: "people_mediation",
    },
  }));
  expect("mediation session recorded", 201, await mediator.POST("/api/v1/disputes/{item_id}/sessions", {
    params: { path },
    body: { held_at: new Date().toISOString(), participants: ["张三", "物业经理"], notes: "未达成一致", outcome: "failed" },
  }));
  d = expect("dispute read", 200, await staff.GET("/api/v1/disputes/{item_id}", { params: { path } }));
  d = expect("escalation requested", 200, await secretary.POST("/api/v1/disputes/{item_id}/actions/request_escalation", {
    params: { path, header: ifMatch(d.version) },
    body: { summary: "物业费纠纷", reason: "居民区调解未果", requested_level: "street_joint" },
  }));
  d = expect("escalation approved", 200, await judicial.POST("/api/v1/disputes/{item_id}/actions/approve_escalation", {
    params: { path, header: ifMatch(d.version) },
    body: { level: "street_joint" },
  }));
  if (d.level !== "street_joint") throw new UnexpectedStatus(`level ${d.level}`);
  d = expect("agreement recorded (调解协议书)", 200, await judicial.POST("/api/v1/disputes/{item_id}/actions/record_agreement", {
    params: { path, header: ifMatch(d.version) },
    body: {
      form: "written",
      facts: "物业费争议, 双方同意补缴并改进服务",
      terms: [{ description: "补缴物业费", due_on: today() }],
      signed_by_parties: true,
      signed_on: today(),
    },
  }));
  d = expect("fulfilment confirmed", 200, await judicial.POST("/api/v1/disputes/{item_id}/actions/confirm_fulfillment", {
    params: { path, header: ifMatch(d.version) },
    body: { note: "回访已履行" },
  }));
  if (d.state !== "resolved") throw new UnexpectedStatus(`final state ${d.state}`);
  const history = expect("dispute history", 200, await judicial.GET("/api/v1/disputes/{item_id}/history", { params: { path } }));
  console.log(`dispute ${id}: ${history.items.map((h) => h.action).join(" → ")}`);
}

async function decision(): Promise<void> {
  const staff = await signIn("demo_community_staff");
  const secretary = await signIn("demo_community_secretary");
  const adviser = await signIn("demo_legal_adviser");
  const judicial = await signIn("demo_judicial_officer");
  const community = await unitId(staff, "demo-c-jinse");

  const catalog = expect("catalog listed", 200, await staff.GET("/api/v1/decision-catalog", {}));
  const entry = catalog.items.find((e) => e.consensus_rule === "residents_meeting");
  if (entry === undefined) throw new UnexpectedStatus("no catalog entry decided by a residents' meeting");

  let d: Schemas["DecisionRead"] = expect("decision listed (列入清单)", 201, await staff.POST("/api/v1/decisions", {
    body: { community_id: community, catalog_code: entry.code, title: "《金色雅筑居民公约》修订", description: "增加文明养犬条款" },
  }));
  const path = { item_id: d.id };
  d = expect("proposed (动议)", 200, await secretary.POST("/api/v1/decisions/{item_id}/actions/propose", {
    params: { path, header: ifMatch(d.version) },
    body: { plan: "修订公约第三条", scope: "金色雅筑全体居民", schedule: "居民会议表决后公布施行" },
  }));
  d = expect("consultation opened", 200, await secretary.POST("/api/v1/decisions/{item_id}/actions/open_consultation", {
    params: { path, header: ifMatch(d.version) },
    body: { eligible_residents: 800 },
  }));
  expect("residents' meeting recorded", 201, await staff.POST("/api/v1/decisions/{item_id}/meetings", {
    params: { path },
    body: {
      held_at: new Date(Date.now() - 3_600_000).toISOString(),
      kind: "residents_meeting",
      attendees: 500,
      votes_for: 420,
      votes_against: 30,
      minutes: "居民会议(户代表)表决通过公约修订稿",
    },
  }));
  const tally = expect("tally", 200, await secretary.GET("/api/v1/decisions/{item_id}/tally", { params: { path } }));
  if (!tally.satisfied) throw new UnexpectedStatus(`consensus not reached: ${tally.unmet.join(", ")}`);
  d = expect("decision read", 200, await secretary.GET("/api/v1/decisions/{item_id}", { params: { path } }));
  d = expect("consensus confirmed (共识)", 200, await secretary.POST("/api/v1/decisions/{item_id}/actions/confirm_consensus", {
    params: { path, header: ifMatch(d.version) },
    body: {},
  }));

  const filings = expect("filings (报备)", 200, await secretary.GET("/api/v1/decisions/{item_id}/filings", { params: { path } }));
  for (const filing of filings.items) {
    const target = await signIn(await filingTarget(staff, filing));
    expect(`filing to ${filing.target_role} answered`, 200, await target.POST(
      "/api/v1/decisions/{item_id}/filings/{filing_id}/response",
      { params: { path: { item_id: d.id, filing_id: filing.id } }, body: { response: "acknowledged", opinion: "已知悉" } },
    ));
  }
  d = expect("decision read", 200, await secretary.GET("/api/v1/decisions/{item_id}", { params: { path } }));
  d = expect("submitted for review (法制审核)", 200, await secretary.POST("/api/v1/decisions/{item_id}/actions/submit_for_review", {
    params: { path, header: ifMatch(d.version) },
    body: {},
  }));
  expect("legal opinion given", 201, await adviser.POST("/api/v1/decisions/{item_id}/legal-opinions", {
    params: { path },
    body: { conclusion: "lawful", opinion: "经居民会议表决, 程序合法" },
  }));
  d = expect("decision read", 200, await judicial.GET("/api/v1/decisions/{item_id}", { params: { path } }));
  d = expect("approved", 200, await judicial.POST("/api/v1/decisions/{item_id}/actions/approve", {
    params: { path, header: ifMatch(d.version) },
    body: { conclusion: "approved" },
  }));
  d = expect("completed (闭环)", 200, await secretary.POST("/api/v1/decisions/{item_id}/actions/complete", {
    params: { path, header: ifMatch(d.version) },
    body: { summary: "公约修订稿已公布施行" },
  }));
  if (d.state !== "closed") throw new UnexpectedStatus(`final state ${d.state}`);
  const history = expect("decision history", 200, await secretary.GET("/api/v1/decisions/{item_id}/history", { params: { path } }));
  console.log(`decision ${d.id}: ${history.items.map((h) => h.action).join(" → ")}`);
}

/** The demo user who answers a filing: the holder of its target role on its target unit. */
async function filingTarget(client: Client, filing: Schemas["FilingRead"]): Promise<string> {
  if (filing.target_role !== "department_officer") return `demo_${filing.target_role}`;
  const unit = expect("filing target unit", 200, await client.GET("/api/v1/org-units/{unit_id}", {
    params: { path: { unit_id: filing.target_org_unit_id } },
  }));
  return unit.code === "demo-d-housing" ? "demo_department_officer" : `demo_department_officer_${unit.code.replace("demo-d-", "")}`;
}

try {
  await dispute();
  await decision();
  console.log(`walkthrough: ${steps} passed, 0 failed`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  console.log(`walkthrough: ${steps} passed, 1 failed`);
  process.exit(1);
}

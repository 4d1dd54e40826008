import { generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { publicKeyFromHex, verifyInteraction } from "../../../src/channels/discord/verify.js";
import { VerificationError } from "../../../src/core/errors.js";

const pair = () => {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  return { privateKey, hex: publicKey.export({ format: "der", type: "spki" }).subarray(-32).toString("hex") };
};

describe("discord Ed25519 verification", () => {
  const { privateKey, hex } = pair();
  const key = publicKeyFromHex(hex);
  const body = JSON.stringify({ type: 1, id: "1", application_id: "2", token: "t" });
  const ts = "1700000000";
  const sig = sign(null, Buffer.from(ts + body), privateKey).toString("hex");

  it("accepts the platform's signature over timestamp + raw body (key built from the portal's hex)", () => {
    expect(() => verifyInteraction(body, sig, ts, key)).not.toThrow();
    expect(() => verifyInteraction(body, sig.toUpperCase(), ts, key)).not.toThrow();
  });

  it("rejects a changed body, a changed timestamp, a flipped bit and another key", () => {
    expect(() => verifyInteraction(`${body} `, sig, ts, key)).toThrow(VerificationError);
    expect(() => verifyInteraction(body, sig, "1700000001", key)).toThrow(/did not verify/);
    const flipped = `${sig.slice(0, 10)}${sig[10] === "0" ? "1" : "0"}${sig.slice(11)}`;
    expect(() => verifyInteraction(body, flipped, ts, key)).toThrow(VerificationError);
    expect(() => verifyInteraction(body, sig, ts, publicKeyFromHex(pair().hex))).toThrow(/public_key/);
  });

  it("rejects missing or malformed headers without calling the verifier", () => {
    expect(() => verifyInteraction(body, undefined, ts, key)).toThrow(/X-Signature-Ed25519/);
    expect(() => verifyInteraction(body, sig, undefined, key)).toThrow(VerificationError);
    expect(() => verifyInteraction(body, "zz", ts, key)).toThrow(VerificationError);
  });
});

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
  const at = 1700000000_000;

  it("accepts the platform's signature over timestamp + raw body (key built from the portal's hex)", () => {
    expect(() => verifyInteraction(body, sig, ts, key, at)).not.toThrow();
    expect(() => verifyInteraction(body, sig.toUpperCase(), ts, key, at)).not.toThrow();
  });

  it("rejects a changed body, a changed timestamp, a flipped bit and another key", () => {
    expect(() => verifyInteraction(`${body} `, sig, ts, key, at)).toThrow(VerificationError);
    expect(() => verifyInteraction(body, sig, "1700000001", key, at)).toThrow(/did not verify/);
    const flipped = `${sig.slice(0, 10)}${sig[10] === "0" ? "1" : "0"}${sig.slice(11)}`;
    expect(() => verifyInteraction(body, flipped, ts, key, at)).toThrow(VerificationError);
    expect(() => verifyInteraction(body, sig, ts, publicKeyFromHex(pair().hex), at)).toThrow(/public_key/);
  });

  it("rejects missing or malformed headers without calling the verifier", () => {
    expect(() => verifyInteraction(body, undefined, ts, key, at)).toThrow(/X-Signature-Ed25519/);
    expect(() => verifyInteraction(body, sig, undefined, key, at)).toThrow(VerificationError);
    expect(() => verifyInteraction(body, "zz", ts, key, at)).toThrow(VerificationError);
  });

  it("accepts a timestamp within 5 minutes of the clock either way and rejects one outside, after the signature", () => {
    const signed = (t: string) => sign(null, Buffer.from(t + body), privateKey).toString("hex");
    for (const offset of [-300, 0, 300]) expect(() => verifyInteraction(body, sig, ts, key, at + offset * 1000)).not.toThrow();
    for (const offset of [-301, 301, 86_400]) {
      expect(() => verifyInteraction(body, sig, ts, key, at + offset * 1000)).toThrow(/more than 5 minutes off/);
    }
    expect(() => verifyInteraction(body, signed("soon"), "soon", key, at)).toThrow(/more than 5 minutes off/);
    // A bad signature is reported as such whatever the time: the clock says nothing to a forger.
    expect(() => verifyInteraction(`${body} `, sig, ts, key, at + 86_400_000)).toThrow(/did not verify/);
  });
});

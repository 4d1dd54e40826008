import { channelContract } from "../../contracts/channel-contract.js";
import { startDiscordHub } from "./driver.js";

channelContract({
  name: "discord",
  textLimit: 2000,
  ackDeadlineMs: 3000,
  start: (options) => startDiscordHub(options),
});

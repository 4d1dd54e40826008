import { channelContract } from "../../contracts/channel-contract.js";
import { startSlackHub } from "./helpers.js";

channelContract({
  name: "slack",
  textLimit: 3000,
  // Slack retries a delivery that gets no 2xx within 3 seconds.
  ackDeadlineMs: 3000,
  start: (options) => startSlackHub(options),
});

// What a person says to an Agent while it works, in two queues: steering,
// delivered before the next model call, and follow-ups, each sent as a new
// prompt once the current work ends.

export interface Queue {
  steer: readonly string[];
  followUp: readonly string[];
}

export class MessageQueue {
  private readonly steering: string[] = [];
  private readonly followUps: string[] = [];

  steer(text: string): void {
    this.steering.push(text);
  }

  followUp(text: string): void {
    this.followUps.push(text);
  }

  /** A copy: changing it changes nothing here. */
  snapshot(): Queue {
    return { steer: [...this.steering], followUp: [...this.followUps] };
  }

  /** Empties both queues; returns what they held. */
  clear(): Queue {
    return { steer: this.steering.splice(0), followUp: this.followUps.splice(0) };
  }

  set(q: Queue): void {
    this.steering.splice(0, Infinity, ...q.steer);
    this.followUps.splice(0, Infinity, ...q.followUp);
  }

  /** The steering messages, for the loop's next model call. */
  takeSteering(): string[] {
    return this.steering.splice(0);
  }

  /**
   * The next prompt once the work has ended: steering that came too late
   * for the last model call goes first, as one message; then a follow-up.
   */
  next(): string | undefined {
    if (this.steering.length) return this.steering.splice(0).join('\n\n');
    return this.followUps.shift();
  }
}

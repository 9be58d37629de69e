package io.akkaetcd.cluster;

import io.akkaetcd.cluster.proto.PeerMessage;

/** Sends a message to another member, fire and forget; false if that member's address is unknown. */
public interface PeerSender {
  boolean send(long to, PeerMessage message);
}

/**
 * The producers of the backup stream: {@link io.rewind.producer.EditPublisher}, the one publishing
 * path into Kafka (edits split per row and per part, progress claims with the margin subtracted,
 * table descriptors), shared by the HBase replication endpoint and testkit's fleet simulator
 * ({@code io.rewind.testkit.sim.FleetSimulator}).
 */
package io.rewind.producer;

/**
 * The producers of the backup stream: {@link io.rewind.producer.EditPublisher}, the one publishing
 * path into Kafka (edits split per row and per part, progress claims with the margin subtracted,
 * table descriptors), shared by the HBase replication endpoint and the
 * {@link io.rewind.producer.FleetSimulator}, which writes a seeded workload through simulated region
 * servers, WALs, replication queues, deaths and claims, and records every edit it wrote in an
 * {@link io.rewind.producer.ExpectedState}, the oracle for restores of simulated data.
 */
package io.rewind.producer;

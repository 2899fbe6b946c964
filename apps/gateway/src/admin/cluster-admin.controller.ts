/**
 * Cluster administration (API.md "Cluster"), admin keys only. Reads come from PostgreSQL (and
 * node liveness from a coordinator); topology changes, migrations and repair are driven by the
 * coordinators and answer NOT_IMPLEMENTED until those land.
 */
import { Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { Access } from '../auth/access.decorator';
import { notImplemented } from '../errors/gateway-error';
import { JsonText } from '../http/json-text';
import { ClusterAdminService } from './cluster-admin.service';

@Controller('v1/admin')
@Access('admin')
export class ClusterAdminController {
  constructor(private readonly cluster: ClusterAdminService) {}

  @Get('storage-nodes')
  async nodes() {
    return { status: 'success', nodes: await this.cluster.nodes() };
  }

  @Get('ring')
  async ring(): Promise<JsonText> {
    return new JsonText({ status: 'success', ...(await this.cluster.ring()) });
  }

  @Post('storage-nodes')
  addNode(): never {
    throw notImplemented('adding a storage node');
  }

  @Delete('storage-nodes/:node_id')
  removeNode(@Param('node_id') _nodeId: string): never {
    throw notImplemented('removing a storage node');
  }

  @Get('migrations')
  migrations(): never {
    throw notImplemented('migrations');
  }

  @Get('migrations/:id')
  migration(@Param('id') _id: string): never {
    throw notImplemented('migrations');
  }

  @Post('migrations/:id/cancel')
  cancelMigration(@Param('id') _id: string): never {
    throw notImplemented('migrations');
  }

  @Get('hints')
  async hints() {
    return { status: 'success', ...(await this.cluster.hints()) };
  }

  @Post('repair')
  repair(): never {
    throw notImplemented('on-demand repair');
  }
}

// stock-images: the boot images IBM offers in every workspace. A VM create names one by id
// (imageID); the image decides the VM's operating system. The -EMPTY images are the ones a
// VMNoStorage deployment names: a VM with no boot volume of its own, booted later from an
// attached one (IBM's way to bring a VM up from replicated boot volumes).
import type { OsType } from '../powervs/index.js';
import { notFound } from './errors.js';
import { iso } from './iso-time.js';
import type { ApiResult, WorldCore } from './world-core.js';

export interface StockImage {
  readonly imageID: string;
  readonly name: string;
  readonly description: string;
  readonly os: OsType;
  readonly sizeGb: number;
  /** No boot volume: only for deploymentType VMNoStorage. */
  readonly empty: boolean;
}

/** A fixed catalogue: the names follow IBM's stock images (AIX 7.3 TL2/TL3, IBM i 7.5, RHEL 9.4, SLES 15 SP6). */
export const STOCK_IMAGES: readonly StockImage[] = [
  { imageID: '7b1f3a2e-aix7-3020-8000-000000000005', name: '7300-02-02', description: 'AIX 7.3 TL2', os: 'aix', sizeGb: 20, empty: false },
  { imageID: '7b1f3a2e-ibmi-7530-8000-000000000006', name: 'IBMi-75-03', description: 'IBM i 7.5 TR3', os: 'ibmi', sizeGb: 80, empty: false },
  { imageID: '7b1f3a2e-aix7-3000-8000-000000000001', name: '7300-03-00', description: 'AIX 7.3 TL3', os: 'aix', sizeGb: 20, empty: false },
  { imageID: '7b1f3a2e-ibmi-7500-8000-000000000002', name: 'IBMi-75-05-2984-1', description: 'IBM i 7.5 TR5', os: 'ibmi', sizeGb: 80, empty: false },
  { imageID: '7b1f3a2e-rhel-9400-8000-000000000003', name: 'RHEL9-SP4', description: 'Red Hat Enterprise Linux 9.4', os: 'rhel', sizeGb: 120, empty: false },
  {
    imageID: '7b1f3a2e-sles-1560-8000-000000000004',
    name: 'SLES15-SP6',
    description: 'SUSE Linux Enterprise Server 15 SP6',
    os: 'sles',
    sizeGb: 120,
    empty: false,
  },
  { imageID: '7b1f3a2e-aix0-0000-8000-000000000011', name: 'AIX-EMPTY', description: 'AIX, no storage', os: 'aix', sizeGb: 0, empty: true },
  { imageID: '7b1f3a2e-ibmi-0000-8000-000000000012', name: 'IBMI-EMPTY', description: 'IBM i, no storage', os: 'ibmi', sizeGb: 0, empty: true },
  { imageID: '7b1f3a2e-rhel-0000-8000-000000000013', name: 'RHEL-EMPTY', description: 'RHEL, no storage', os: 'rhel', sizeGb: 0, empty: true },
  { imageID: '7b1f3a2e-sles-0000-8000-000000000014', name: 'SLES-EMPTY', description: 'SLES, no storage', os: 'sles', sizeGb: 0, empty: true },
];

/** The catalogue's images are as old as the simulator's model epoch. */
const CATALOGUE_MS = Date.UTC(2025, 0, 15);

export function stockImage(id: string): StockImage | undefined {
  return STOCK_IMAGES.find((i) => i.imageID === id);
}

function specifications(i: StockImage) {
  return {
    architecture: 'ppc64',
    containerFormat: 'bare',
    diskFormat: 'raw',
    endianness: i.os === 'aix' || i.os === 'ibmi' ? 'big-endian' : 'little-endian',
    hypervisorType: 'phyp',
    imageType: 'stock',
    operatingSystem: i.os,
  };
}

export function listStockImages(w: WorldCore, wsId: string): ApiResult {
  const ws = w.workspace(wsId);
  return {
    status: 200,
    body: {
      images: STOCK_IMAGES.map((i) => ({
        imageID: i.imageID,
        name: i.name,
        description: i.description,
        href: `/pcloud/v1/cloud-instances/${ws.id}/stock-images/${i.imageID}`,
        creationDate: iso(CATALOGUE_MS),
        lastUpdateDate: iso(CATALOGUE_MS),
        specifications: specifications(i),
        state: 'active',
        storagePool: 'Tier1-Flash-1',
        storageType: 'tier1',
      })),
    },
  };
}

export function getStockImage(w: WorldCore, wsId: string, id: string): ApiResult {
  w.workspace(wsId);
  const i = stockImage(id);
  if (!i) throw notFound(`image ${id} not found`);
  return {
    status: 200,
    body: {
      imageID: i.imageID,
      name: i.name,
      description: i.description,
      creationDate: iso(CATALOGUE_MS),
      lastUpdateDate: iso(CATALOGUE_MS),
      maxImageVolumeSize: i.sizeGb,
      size: i.sizeGb,
      specifications: specifications(i),
      state: 'active',
      storagePool: 'Tier1-Flash-1',
      storageType: 'tier1',
    },
  };
}
